// The large print pages' "Print this page" button (data-kith-print).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-kith-print]")) {
    window.print();
  }
});
