/* Puts ideas on a folium map: points come from a JSON <script> tag, popups are built with
   textContent so that nothing a resident wrote is ever read as HTML. */
(function () {
  "use strict";

  function popupFor(point) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.title;
    box.appendChild(link);
    return box;
  }

  function addPoints(frame) {
    var map = window[frame.getAttribute("data-map-name")];
    var source = document.getElementById(frame.getAttribute("data-points"));
    if (!map || !source || typeof L === "undefined") { return; }
    var points = JSON.parse(source.textContent);
    var bounds = [];
    points.forEach(function (point) {
      var options = point.current ? { title: point.title, alt: point.title, zIndexOffset: 1000 }
                                  : { title: point.title, alt: point.title, opacity: 0.75 };
      L.marker([point.lat, point.lon], options).bindPopup(popupFor(point)).addTo(map);
      bounds.push([point.lat, point.lon]);
    });
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], Math.max(map.getZoom(), 15));
    }
  }

  document.querySelectorAll(".map-frame[data-points]").forEach(addPoints);
})();
