// The GOV.UK timeout warning: a couple of minutes before someone is signed
// out, a modal dialog says so and offers "Stay signed in", which asks the
// server to restart the idle time. Configured by the dialog's data-
// attributes (see accounts/_timeout_warning_dialog.html); no inline script.
(function () {
  "use strict";
  var dialog = document.querySelector('[data-module="kith-timeout-warning"]');
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) {
    return;
  }
  var data = dialog.dataset;
  var seconds = function (name) { return parseInt(data[name], 10) * 1000; };
  var loaded = Date.now();
  var idleEnd = loaded + seconds("idleLeft");
  var sessionEnd = loaded + seconds("sessionLeft");
  var warning = seconds("warningSeconds");
  var form = dialog.querySelector("[data-kith-keep-alive]");
  var stay = form.querySelector("button");
  var text = dialog.querySelector("[data-kith-timeout-text]");
  var warnTimer, endTimer, tick;

  function end() { return Math.min(idleEnd, sessionEnd); }

  function say() {
    var minutes = Math.max(1, Math.ceil((end() - Date.now()) / 60000));
    text.textContent = minutes > 1
      ? data.textMinutes.replace("%(minutes)s", String(minutes))
      : data.textMinute;
  }

  function signOut() {
    // The server signs them out (keeping unsent answers) and shows sign-in.
    window.location.assign(window.location.href);
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    clearInterval(tick);
    warnTimer = setTimeout(warn, Math.max(0, end() - warning - Date.now()));
    // A little after the server's limit, so the server agrees it has passed.
    endTimer = setTimeout(signOut, Math.max(0, end() - Date.now() + 2000));
  }

  function warn() {
    // At the 12-hour limit staying signed in is not possible.
    stay.hidden = sessionEnd <= idleEnd;
    say();
    tick = setInterval(say, 10000);
    if (!dialog.open) { dialog.showModal(); }
  }

  function keepAlive() {
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Kith-Keep-Alive": "1" },
      credentials: "same-origin",
      redirect: "manual"
    }).then(function (response) {
      if (response.status !== 204) { signOut(); return; }
      idleEnd = Date.now() + seconds("idleSeconds");
      clearInterval(tick);
      dialog.close();
      schedule();
    }).catch(signOut);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    keepAlive();
  });
  // Escape closes the dialog: take it as "Stay signed in", as GOV.UK does.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    if (!stay.hidden) { keepAlive(); }
  });
  // A request made by htmx on this page also restarts the idle time; the
  // server notes it to the minute, so count from a minute earlier.
  document.addEventListener("htmx:afterRequest", function () {
    if (dialog.open) { return; }
    idleEnd = Math.max(idleEnd, Date.now() + seconds("idleSeconds") - 60000);
    schedule();
  });
  schedule();
}());
