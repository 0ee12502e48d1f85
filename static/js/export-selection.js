/* The export page's map: select the ideas to export by drawing a rectangle or a polygon,
 * picking a quarter, or choosing a cluster. What is selected is written into the form's own
 * fields (the area as `west,south,east,north` or `lon,lat;lon,lat;...`, the quarter as its
 * short name), so the download, the server's checks and an export job all read the same
 * query string; the field typed by hand is drawn on the map too.
 *
 * Every tool works from the keyboard: the buttons choose a tool, the arrow keys move the
 * focused map, "Add a corner at the map's centre" places a corner where the map is centred,
 * "Finish" closes a polygon, and a cluster is a focusable marker that Enter selects.
 * Ideas come from GET /api/ideas/clusters (clusters and single points, as on the public map). */
(function () {
  "use strict";
  var frame = document.querySelector("[data-export-selection]");
  if (!frame || !window.L || !window.MyAlmatyMapControls) { return; }
  var map = window[frame.dataset.mapName];
  if (!map) { return; }
  var areaInput = document.getElementById(frame.dataset.areaInput);
  var quarterInput = document.getElementById(frame.dataset.quarterInput);
  var status = document.getElementById(frame.dataset.status);
  var toolbar = document.querySelector(".selection-tools");
  var slugs = JSON.parse(frame.dataset.quarterSlugs || "{}");
  var STYLE = { color: "#b45309", weight: 3, fillOpacity: 0.15 };
  var selection = L.layerGroup().addTo(map);
  var ideas = L.layerGroup().addTo(map);
  var mode = null;
  var corners = [];

  function say(name, values) {
    var text = frame.dataset[name] || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.replace("{" + key + "}", String(values[key]));
    });
    if (status) { status.textContent = text; }
  }

  function number(value) { return (Math.round(value * 1e6) / 1e6).toFixed(6).replace(/\.?0+$/, ""); }

  function setArea(value) {
    areaInput.value = value;
    frame.dataset.area = value;
  }

  function setMode(next) {
    mode = next;
    corners = [];
    toolbar.querySelectorAll("[data-tool]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.tool === mode));
    });
    map.getContainer().style.cursor = mode ? "crosshair" : "";
    if (mode === "rectangle") { say("labelRectangle"); }
    if (mode === "polygon") { say("labelPolygon"); }
    if (mode === "quarter") { say("labelQuarter"); }
  }

  function drawRectangle(west, south, east, north) {
    selection.clearLayers();
    L.rectangle([[south, west], [north, east]], STYLE).addTo(selection);
  }

  function drawPolygon(points, closed) {
    selection.clearLayers();
    var latlngs = points.map(function (p) { return [p[1], p[0]]; });
    (closed ? L.polygon(latlngs, STYLE) : L.polyline(latlngs, STYLE)).addTo(selection);
    if (!closed) {
      latlngs.forEach(function (latlng) { L.circleMarker(latlng, { radius: 4, color: STYLE.color }).addTo(selection); });
    }
  }

  function selectRectangle(west, south, east, north) {
    drawRectangle(west, south, east, north);
    setArea([west, south, east, north].map(number).join(","));
  }

  function addCorner(latlng) {
    if (mode === "rectangle") {
      corners.push([latlng.lng, latlng.lat]);
      if (corners.length === 1) {
        drawPolygon(corners, false);
        say("labelRectangleNext");
        return;
      }
      var a = corners[0], b = corners[1];
      selectRectangle(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]));
      setMode(null);
      say("labelArea");
    } else if (mode === "polygon") {
      corners.push([latlng.lng, latlng.lat]);
      drawPolygon(corners, false);
      say("labelCorners", { count: corners.length });
    } else if (mode === "quarter") {
      pickQuarter(latlng);
    }
  }

  function finishPolygon() {
    if (mode !== "polygon") { return; }
    if (corners.length < 3) { say("labelCorners", { count: corners.length }); return; }
    var points = corners;
    drawPolygon(points, true);
    setArea(points.map(function (p) { return number(p[0]) + "," + number(p[1]); }).join(";"));
    setMode(null);
    say("labelArea");
  }

  function clearAll() {
    setMode(null);
    selection.clearLayers();
    setArea("");
    if (quarterInput) { quarterInput.value = ""; }
    say("labelNone");
  }

  var getJSON = window.MyAlmatyMapData.getJSON;

  function pickQuarter(latlng) {
    var url = frame.dataset.place + "?lat=" + latlng.lat.toFixed(6) + "&lon=" + latlng.lng.toFixed(6);
    getJSON(url).then(function (place) {
      var quarter = place.quarter;
      if (!quarter || !slugs[String(quarter.id)]) { say("labelNoQuarter"); return; }
      quarterInput.value = slugs[String(quarter.id)];
      setMode(null);
      say("labelQuarterPicked", { name: quarter.name });
    }).catch(function () { say("labelError"); });
  }

  // A cluster's bounds are rounded to six decimals: widened by one unit of the last decimal,
  // the rectangle holds every idea of the cluster.
  function selectCluster(cluster) {
    var b = cluster.bounds, pad = 0.000001;
    selectRectangle(b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad);
    say("labelCluster", { count: cluster.count });
  }

  function clusterMarker(cluster) {
    var size = cluster.count < 100 ? 36 : cluster.count < 1000 ? 44 : 52;
    var marker = L.marker([cluster.centre[1], cluster.centre[0]], {
      icon: window.MyAlmatyMapControls.clusterIcon(map, cluster.count, "idea-cluster", size,
                                                   frame.dataset.labelClusterTitle),
      keyboard: true
    });
    marker.on("click", function (event) {
      if (mode) { addCorner(event.latlng); } else { selectCluster(cluster); }
    });
    return marker;
  }

  function draw(view) {
    ideas.clearLayers();
    view.clusters.forEach(function (cluster) { ideas.addLayer(clusterMarker(cluster)); });
    view.points.forEach(function (point) {
      ideas.addLayer(L.circleMarker([point.point[1], point.point[0]],
        { radius: 5, color: "#0b5c4a", fillOpacity: 0.8, interactive: false }));
    });
    frame.dataset.loaded = String(view.total);
  }


  // What the field holds when the page opens (typed, or kept after a refused download).
  function drawTyped() {
    var text = areaInput.value.trim();
    if (!text) { selection.clearLayers(); return; }
    var numbers = function (part) { return part.split(",").map(Number); };
    if (text.indexOf(";") < 0) {
      var box = numbers(text);
      if (box.length === 4 && box.every(isFinite)) { drawRectangle(box[0], box[1], box[2], box[3]); }
      return;
    }
    var points = text.split(";").filter(Boolean).map(numbers);
    if (points.every(function (p) { return p.length === 2 && p.every(isFinite); })) { drawPolygon(points, true); }
  }

  toolbar.hidden = false;
  toolbar.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.dataset.tool) { setMode(mode === button.dataset.tool ? null : button.dataset.tool); }
    if (button.dataset.action === "corner") { addCorner(map.getCenter()); }
    if (button.dataset.action === "finish") { finishPolygon(); }
    if (button.dataset.action === "clear") { clearAll(); }
  });
  map.on("click", function (event) { addCorner(event.latlng); });
  areaInput.addEventListener("change", drawTyped);
  drawTyped();
  if (!areaInput.value) { say("labelNone"); }
  window.MyAlmatyMapData.followClusters(map, frame.dataset.clusters, draw, function () {
    say("labelError");
    frame.dataset.loaded = "error";
  }, 250);
}());
