/* The public map: what the view shows, from GET /api/ideas/clusters (the page's filters plus
 * the view's box and zoom). Many ideas come as clusters drawn as labelled circles (a click
 * zooms in on one); a few come one by one, as markers grouped by Leaflet.markercluster so that
 * ideas at one spot spread out. A marker's popup loads its idea from GET /api/ideas/<id>.
 * Requests wait for the map to stop moving, and a newer view cancels an older request.
 * Popups are DOM nodes filled with textContent: a resident's text never becomes HTML.
 * Every marker is named by its idea's title, every cluster by "N ideas" in the page's language
 * (plural forms from the frame's data-text-ideas, chosen with Intl.PluralRules). */
(function () {
  "use strict";
  var frame = document.querySelector("[data-ideas-map]");
  if (!frame || !window.L || !window.fetch) { return; }
  var map = window[frame.dataset.mapName];
  var status = document.getElementById(frame.dataset.status);
  if (!map) { return; }
  var ideaForms = {};
  try { ideaForms = JSON.parse(frame.dataset.textIdeas || "{}"); } catch (e) { ideaForms = {}; }
  var pluralRules = window.Intl && Intl.PluralRules ?
    new Intl.PluralRules(document.documentElement.lang || undefined) : null;

  // "5 ideas" with the right plural form (Russian: 1 идея, 2 идеи, 5 идей).
  function ideasCount(count) {
    var category = pluralRules ? pluralRules.select(count) : (count === 1 ? "one" : "other");
    var form = ideaForms[category] || ideaForms.other || ideaForms.many || "{count}";
    return form.replace("{count}", String(count));
  }

  // A cluster's circle is a div with a number in it; a screen reader hears its label instead.
  var LabelledIcon = L.DivIcon.extend({
    createIcon: function (oldIcon) {
      var icon = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      icon.setAttribute("aria-label", this.options.label);
      icon.title = this.options.label;
      return icon;
    }
  });

  function clusterLabel(count) {
    return (frame.dataset.labelCluster || "{ideas}").replace("{ideas}", ideasCount(count));
  }

  var markers = L.markerClusterGroup({
    chunkedLoading: true,
    showCoverageOnHover: false,
    iconCreateFunction: function (group) {
      var count = group.getChildCount();
      var circle = document.createElement("div");
      var number = document.createElement("span");
      number.textContent = String(count);
      circle.appendChild(number);
      return new LabelledIcon({
        html: circle,
        className: "marker-cluster marker-cluster-" + (count < 10 ? "small" : count < 100 ? "medium" : "large"),
        iconSize: L.point(40, 40),
        label: clusterLabel(count)
      });
    }
  });
  var clusters = L.layerGroup();
  map.addLayer(clusters);
  map.addLayer(markers);
  var DEBOUNCE_MS = 250;

  function say(text) { if (status) { status.textContent = text; } }

  function label(name, count) {
    return (frame.dataset[name] || "{count}").replace("{count}", String(count));
  }

  function line(className, text) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function fill(box, properties) {
    box.textContent = "";
    var heading = document.createElement("p");
    heading.className = "idea-popup-title";
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.title;
    heading.appendChild(link);
    box.appendChild(heading);
    var where = [properties.category, properties.quarter].filter(Boolean).join(" · ");
    box.appendChild(line("idea-popup-meta", where));
    box.appendChild(line("idea-popup-meta", properties.stage_label || ""));
    box.appendChild(line("idea-popup-counts",
      label("labelSupports", properties.support_count) + " · " +
      label("labelComments", properties.comment_count)));
  }

  var getJSON = window.MyAlmatyMapData.getJSON;

  // The popup's node is returned at once and filled when its idea has loaded; Leaflet asks
  // again on update(), and gets the same node.
  function popup(point, marker) {
    if (point.box) { return point.box; }
    var box = point.box = document.createElement("div");
    box.className = "idea-popup";
    box.appendChild(line("idea-popup-meta", frame.dataset.labelLoading || ""));
    getJSON(frame.dataset.ideaApi + "/" + encodeURIComponent(point.id))
      .then(function (feature) { fill(box, feature.properties); })
      .catch(function () {
        box.textContent = "";
        box.appendChild(line("idea-popup-meta", frame.dataset.labelError || ""));
      })
      .then(function () { if (marker.isPopupOpen()) { marker.getPopup().update(); } });
    return box;
  }

  function pointMarker(point) {
    var marker = L.marker([point.point[1], point.point[0]], { title: point.title, alt: point.title });
    marker.bindPopup(function () { return popup(point, marker); });
    return marker;
  }

  function clusterMarker(cluster) {
    var count = String(cluster.count);
    var size = cluster.count < 100 ? 36 : cluster.count < 1000 ? 44 : 52;
    var circle = document.createElement("div");
    var number = document.createElement("span");
    number.textContent = count;
    circle.appendChild(number);
    var marker = L.marker([cluster.centre[1], cluster.centre[0]], {
      icon: new LabelledIcon({ className: "idea-cluster", html: circle, iconSize: [size, size],
                               label: clusterLabel(cluster.count) }),
      keyboard: true
    });
    marker.on("click", function () {
      var b = cluster.bounds;
      var bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
      var zoom = Math.min(map.getBoundsZoom(bounds), map.getMaxZoom());
      map.setView(bounds.getCenter(), Math.max(zoom, map.getZoom() + 1));
    });
    return marker;
  }

  function draw(view) {
    clusters.clearLayers();
    markers.clearLayers();
    view.clusters.forEach(function (cluster) { clusters.addLayer(clusterMarker(cluster)); });
    markers.addLayers(view.points.map(pointMarker));
    say(view.total ? label("labelCount", view.total) : (frame.dataset.labelEmpty || ""));
    frame.dataset.loaded = String(view.total);
  }

  window.MyAlmatyMapData.followClusters(map, frame.dataset.clusters, draw, function () {
    say(frame.dataset.labelError || "");
    frame.dataset.loaded = "error";
  }, DEBOUNCE_MS);
}());
