/* Leaflet's own controls in the page's language: the zoom buttons' names and the attribution's
 * link to Leaflet, from the map frame's data attributes (templates/_macros/maps.html). Runs
 * deferred, once every map on the page has been made. */
(function () {
  "use strict";
  if (!window.L) { return; }

  function name(element, text) {
    if (!element || !text) { return; }
    element.title = text;
    element.setAttribute("aria-label", text);
  }

  document.querySelectorAll(".map-frame[data-map-name]").forEach(function (frame) {
    var map = window[frame.dataset.mapName];
    if (!map || !map.getContainer) { return; }
    var container = map.getContainer();
    name(container.querySelector(".leaflet-control-zoom-in"), frame.dataset.textZoomIn);
    name(container.querySelector(".leaflet-control-zoom-out"), frame.dataset.textZoomOut);
    if (map.attributionControl) {
      // Built as nodes so that the translated title is text, never HTML.
      var link = document.createElement("a");
      link.href = "https://leafletjs.com";
      link.title = frame.dataset.textLibrary || "";
      link.textContent = "Leaflet";
      map.attributionControl.setPrefix(link.outerHTML);
    }
  });
}());
