/* The idea page's small map: one marker at the idea's place (numbers from data attributes). */
(function () {
  "use strict";
  var frame = document.querySelector("[data-idea-point]");
  if (!frame || !window.L) { return; }
  var map = window[frame.dataset.mapName];
  var lat = parseFloat(frame.dataset.lat);
  var lon = parseFloat(frame.dataset.lon);
  if (!map || !isFinite(lat) || !isFinite(lon)) { return; }
  L.marker([lat, lon], { keyboard: false, title: frame.dataset.markerTitle || "",
                         alt: frame.dataset.markerTitle || "" }).addTo(map);
}());
