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
      // The prefix is our own constant markup; the translated title is set as an attribute
      // (never as HTML), again whenever a layer makes Leaflet redraw the line.
      map.attributionControl.setPrefix('<a href="https://leafletjs.com" lang="en">Leaflet</a>');
      var nameLibrary = function () {
        var link = map.attributionControl.getContainer().querySelector("a[href='https://leafletjs.com']");
        if (link && frame.dataset.textLibrary) { link.title = frame.dataset.textLibrary; }
      };
      nameLibrary();
      map.on("layeradd layerremove", nameLibrary);
    }
  });
}());
