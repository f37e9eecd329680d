// The land and buildings map: drawn over the text list, which is the page
// without JavaScript and stays the way to reach each place (the map is
// hidden from screen readers, and its buttons and markers are left out of
// the tab order: the list is the keyboard's way). Tiles come from the
// address in data-tile-url ({z}/{x}/{y}, the setting KITH_MAP_TILE_URL);
// without one, or when a tile fails to load, the map shows the points on a
// plain background. Drag to move it; the + and - buttons, the mouse wheel
// and a double click zoom.
(function () {
  "use strict";
  var TILE = 256;
  var MIN_ZOOM = 3;
  var MAX_ZOOM = 18;
  var box = document.getElementById("asset-map");
  if (!box) { return; }
  var items = document.querySelectorAll("[data-asset-lat]");
  if (!items.length) { return; }
  var points = [];
  items.forEach(function (item) {
    var lat = parseFloat(item.getAttribute("data-asset-lat"));
    var lon = parseFloat(item.getAttribute("data-asset-lon"));
    if (isFinite(lat) && isFinite(lon) && Math.abs(lat) < 85) {
      points.push({ lat: lat, lon: lon, name: item.getAttribute("data-asset-name"),
                    url: item.getAttribute("data-asset-url") });
    }
  });
  if (!points.length) { return; }

  // Web Mercator: a place's position in pixels of the whole world at a zoom.
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
  var tiles = box.getAttribute("data-tile-url") || "";
  var credit = box.getAttribute("data-attribution") || "";

  // Start at the closest zoom at which every point fits, with a margin.
  var zoom = 17;
  for (; zoom > MIN_ZOOM; zoom -= 1) {
    var xs = points.map(function (p) { return project(p.lat, p.lon, zoom).x; });
    var ys = points.map(function (p) { return project(p.lat, p.lon, zoom).y; });
    if (Math.max.apply(null, xs) - Math.min.apply(null, xs) < width - 60 &&
        Math.max.apply(null, ys) - Math.min.apply(null, ys) < height - 60) { break; }
  }
  var start = points.map(function (p) { return project(p.lat, p.lon, zoom); });
  // The map's centre, in world pixels at the current zoom.
  var centre = {
    x: (Math.min.apply(null, start.map(function (q) { return q.x; })) +
        Math.max.apply(null, start.map(function (q) { return q.x; }))) / 2,
    y: (Math.min.apply(null, start.map(function (q) { return q.y; })) +
        Math.max.apply(null, start.map(function (q) { return q.y; }))) / 2
  };

  var layer = document.createElement("div");
  layer.className = "projects-map__layer";
  box.appendChild(layer);

  // Tiles already fetched, by address, so moving the map reuses them; a
  // tile that failed is not asked for again.
  var tileCache = {};
  var failed = {};

  function tileFor(z, x, y) {
    var count = Math.pow(2, z);
    var wrapped = ((x % count) + count) % count;
    var src = tiles.replace("{z}", z).replace("{x}", wrapped).replace("{y}", y);
    if (failed[src]) { return null; }
    var img = tileCache[src];
    if (!img) {
      img = document.createElement("img");
      img.alt = "";
      img.className = "projects-map__tile";
      img.draggable = false;
      img.addEventListener("error", function () {
        failed[src] = true;
        delete tileCache[src];
        if (img.parentNode) { img.parentNode.removeChild(img); }
      });
      img.src = src;
      tileCache[src] = img;
    }
    return img;
  }

  function draw() {
    var left = centre.x - width / 2;
    var top = centre.y - height / 2;
    while (layer.firstChild) { layer.removeChild(layer.firstChild); }
    if (tiles) {
      var count = Math.pow(2, zoom);
      for (var tx = Math.floor(left / TILE); tx <= Math.floor((left + width) / TILE); tx += 1) {
        for (var ty = Math.floor(top / TILE); ty <= Math.floor((top + height) / TILE); ty += 1) {
          if (ty < 0 || ty >= count) { continue; }
          var img = tileFor(zoom, tx, ty);
          if (!img) { continue; }
          img.style.left = (tx * TILE - left) + "px";
          img.style.top = (ty * TILE - top) + "px";
          layer.appendChild(img);
        }
      }
    }
    points.forEach(function (p, i) {
      var at = project(p.lat, p.lon, zoom);
      var marker = document.createElement("a");
      marker.href = p.url;
      marker.className = "projects-map__marker";
      marker.title = p.name;
      marker.tabIndex = -1;
      marker.draggable = false;
      marker.textContent = String(i + 1);
      marker.style.left = (at.x - left) + "px";
      marker.style.top = (at.y - top) + "px";
      layer.appendChild(marker);
    });
    zoomIn.disabled = zoom >= MAX_ZOOM;
    zoomOut.disabled = zoom <= MIN_ZOOM;
    box.setAttribute("data-zoom", String(zoom));
  }

  // Zoom by ``step`` keeping the world point under (ax, ay) where it is.
  function zoomBy(step, ax, ay) {
    var next = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, zoom + step));
    if (next === zoom) { return; }
    var factor = Math.pow(2, next - zoom);
    var ox = ax === undefined ? width / 2 : ax;
    var oy = ay === undefined ? height / 2 : ay;
    var worldX = centre.x - width / 2 + ox;
    var worldY = centre.y - height / 2 + oy;
    centre.x = worldX * factor - ox + width / 2;
    centre.y = worldY * factor - oy + height / 2;
    zoom = next;
    draw();
  }

  function button(label, words, step) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "projects-map__zoom";
    b.tabIndex = -1;
    b.textContent = label;
    b.title = words;
    b.addEventListener("click", function (event) {
      event.stopPropagation();
      zoomBy(step);
    });
    b.addEventListener("pointerdown", function (event) { event.stopPropagation(); });
    return b;
  }
  var controls = document.createElement("div");
  controls.className = "projects-map__controls";
  var zoomIn = button("+", "Zoom in", 1);
  var zoomOut = button("\u2212", "Zoom out", -1);
  controls.appendChild(zoomIn);
  controls.appendChild(zoomOut);
  box.appendChild(controls);

  if (tiles && credit) {
    var note = document.createElement("span");
    note.className = "projects-map__credit";
    note.textContent = credit;
    box.appendChild(note);
  }

  // Dragging moves the map; a drag of a few pixels is still a click on a
  // marker.
  var drag = null;
  var suppressClick = false;
  box.addEventListener("click", function (event) {
    if (suppressClick) {
      event.preventDefault();
      event.stopPropagation();
      suppressClick = false;
    }
  }, true);
  box.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) { return; }
    drag = { x: event.clientX, y: event.clientY, cx: centre.x, cy: centre.y,
             moved: false, id: event.pointerId };
  });
  box.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.id) { return; }
    var dx = event.clientX - drag.x;
    var dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
    if (!drag.moved) {
      drag.moved = true;
      box.classList.add("projects-map--dragging");
      if (box.setPointerCapture) { box.setPointerCapture(event.pointerId); }
    }
    centre.x = drag.cx - dx;
    centre.y = drag.cy - dy;
    draw();
  });
  function endDrag(event) {
    if (!drag) { return; }
    var moved = drag.moved;
    drag = null;
    box.classList.remove("projects-map--dragging");
    if (moved) {
      // The click that ends a drag does not follow the marker under it.
      suppressClick = true;
      window.setTimeout(function () { suppressClick = false; }, 0);
      if (event && box.releasePointerCapture && box.hasPointerCapture &&
          box.hasPointerCapture(event.pointerId)) {
        box.releasePointerCapture(event.pointerId);
      }
    }
  }
  box.addEventListener("pointerup", endDrag);
  box.addEventListener("pointercancel", endDrag);

  function offset(event) {
    var rect = box.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }
  box.addEventListener("wheel", function (event) {
    event.preventDefault();
    var at = offset(event);
    zoomBy(event.deltaY < 0 ? 1 : -1, at.x, at.y);
  }, { passive: false });
  box.addEventListener("dblclick", function (event) {
    event.preventDefault();
    var at = offset(event);
    zoomBy(1, at.x, at.y);
  });

  draw();
}());
