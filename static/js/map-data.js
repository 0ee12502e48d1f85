/* What every map of ideas shares with our API: JSON fetched with the session's cookies, and the
 * clusters of the visible area, loaded again as the map moves (debounced), with the previous
 * request cancelled so that a slow answer for an old view never draws over a newer one. */
(function () {
  "use strict";

  function getJSON(url, signal) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin",
                        signal: signal })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      });
  }

  // Leaflet's bounds may run past the world's edge when zoomed out; the API wants real degrees.
  function viewBox(map) {
    var b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v, i) {
      var limit = i % 2 ? 85 : 180;
      return Math.max(-limit, Math.min(limit, v)).toFixed(6);
    }).join(",");
  }

  /* Loads `clustersUrl` for the map's view now and after every move; `draw(view)` gets the
   * answer, `failed()` is called when it cannot be had. */
  function followClusters(map, clustersUrl, draw, failed, debounceMs) {
    var pending = null;
    var timer = null;
    function load() {
      if (pending) { pending.abort(); }
      pending = window.AbortController ? new AbortController() : null;
      var url = clustersUrl + (clustersUrl.indexOf("?") < 0 ? "?" : "&") +
        "bbox=" + viewBox(map) + "&zoom=" + Math.round(map.getZoom());
      getJSON(url, pending && pending.signal)
        .then(draw)
        .catch(function (error) {
          if (error && error.name === "AbortError") { return; }
          failed();
        });
    }
    map.on("moveend", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, debounceMs);
    });
    load();
  }

  window.MyAlmatyMapData = { getJSON: getJSON, followClusters: followClusters };
}());
