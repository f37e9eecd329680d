// The land and buildings map: drawn over the text list, which is the page
// without JavaScript and stays the way to reach each place (the map is
// hidden from screen readers). Tiles come from the address in
// data-tile-url ({z}/{x}/{y}); without one, or if they fail to load, the
// map shows the points on a plain background.
(function () {
  "use strict";
  var TILE = 256;
  var box = document.getElementById("asset-map");
  if (!box) { return; }
  var items = document.querySelectorAll("[data-asset-lat]");
  if (!items.length) { return; }
  var points = [];
  items.forEach(function (item) {
    var lat = parseFloat(item.getAttribute("data-asset-lat"));
    var lon = parseFloat(item.getAttribute("data-asset-lon"));
    if (isFinite(lat) && isFinite(lon)) {
      points.push({ lat: lat, lon: lon, name: item.getAttribute("data-asset-name"),
                    url: item.getAttribute("data-asset-url") });
    }
  });
  if (!points.length) { return; }

  function project(lat, lon, zoom) {
    var scale = TILE * Math.pow(2, zoom);
    var sin = Math.sin(lat * Math.PI / 180);
    return {
      x: (lon + 180) / 360 * scale,
      y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * scale
    };
  }

  box.hidden = false;
  var width = box.clientWidth || 600;
  var height = box.clientHeight || 400;
  // The closest zoom at which every point fits, with a margin.
  var zoom = 17;
  for (; zoom > 2; zoom -= 1) {
    var xs = points.map(function (p) { return project(p.lat, p.lon, zoom).x; });
    var ys = points.map(function (p) { return project(p.lat, p.lon, zoom).y; });
    if (Math.max.apply(null, xs) - Math.min.apply(null, xs) < width - 60 &&
        Math.max.apply(null, ys) - Math.min.apply(null, ys) < height - 60) { break; }
  }
  var all = points.map(function (p) { return project(p.lat, p.lon, zoom); });
  var cx = (Math.min.apply(null, all.map(function (q) { return q.x; })) +
            Math.max.apply(null, all.map(function (q) { return q.x; }))) / 2;
  var cy = (Math.min.apply(null, all.map(function (q) { return q.y; })) +
            Math.max.apply(null, all.map(function (q) { return q.y; }))) / 2;
  var left = cx - width / 2;
  var top = cy - height / 2;

  var tiles = box.getAttribute("data-tile-url");
  if (tiles) {
    var count = Math.pow(2, zoom);
    for (var tx = Math.floor(left / TILE); tx <= Math.floor((left + width) / TILE); tx += 1) {
      for (var ty = Math.floor(top / TILE); ty <= Math.floor((top + height) / TILE); ty += 1) {
        if (ty < 0 || ty >= count) { continue; }
        var img = document.createElement("img");
        img.alt = "";
        img.className = "projects-map__tile";
        img.addEventListener("error", function () { this.remove(); });
        img.src = tiles.replace("{z}", zoom)
          .replace("{x}", ((tx % count) + count) % count).replace("{y}", ty);
        img.style.left = (tx * TILE - left) + "px";
        img.style.top = (ty * TILE - top) + "px";
        box.appendChild(img);
      }
    }
  }
  points.forEach(function (p, i) {
    var marker = document.createElement("a");
    marker.href = p.url;
    marker.className = "projects-map__marker";
    marker.title = p.name;
    marker.tabIndex = -1;
    marker.textContent = String(i + 1);
    marker.style.left = (all[i].x - left) + "px";
    marker.style.top = (all[i].y - top) + "px";
    box.appendChild(marker);
  });
  var credit = box.getAttribute("data-attribution");
  if (tiles && credit) {
    var note = document.createElement("span");
    note.className = "projects-map__credit";
    note.textContent = credit;
    box.appendChild(note);
  }
}());
