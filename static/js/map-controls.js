/* What every map says, in the page's language, from its frame's data attributes
 * (myalmaty.core.maps.control_texts(), written by templates/_macros/maps.html and by the
 * offline map export): the zoom buttons' names, the attribution's link to Leaflet, a metric
 * scale bar with translated units, and the labels of clusters ("21 ideas"). Loaded after
 * leaflet.js and before any map is made: a hook on L.Map dresses each map as it is created.
 * Scripts that cluster ideas take their icons from window.MyAlmatyMapControls. */
(function () {
  "use strict";
  if (!window.L) { return; }

  function texts(map) {
    var frame = map.getContainer().closest(".map-frame");
    return frame ? frame.dataset : {};
  }

  function lang() { return document.documentElement.lang || undefined; }

  function name(element, text) {
    if (!element || !text) { return; }
    element.title = text;
    element.setAttribute("aria-label", text);
  }

  function fill(template, key, value) {
    return (template || "{" + key + "}").replace("{" + key + "}", value);
  }

  // Leaflet's scale bar, metric only, its units in the page's language ("500 м", "2 км").
  var Scale = L.Control.Scale.extend({
    options: { metric: true, imperial: false, metres: "{distance} m", kilometres: "{distance} km" },
    _updateMetric: function (maxMeters) {
      var meters = this._getRoundNum(maxMeters);
      var number = window.Intl ? new Intl.NumberFormat(lang()) : null;
      function format(n) { return number ? number.format(n) : String(n); }
      var label = meters < 1000 ? fill(this.options.metres, "distance", format(meters))
                                : fill(this.options.kilometres, "distance", format(meters / 1000));
      this._updateScale(this._mScale, label, meters / maxMeters);
    }
  });

  L.Map.addInitHook(function () {
    var map = this;
    var text = texts(map);
    new Scale({ metres: text.textMetres, kilometres: text.textKilometres }).addTo(map);
    if (map.zoomControl) {
      name(map.zoomControl._zoomInButton, text.textZoomIn);
      name(map.zoomControl._zoomOutButton, text.textZoomOut);
    }
    if (map.attributionControl) {
      // The prefix is our own constant markup; the translated title is set as an attribute
      // (never as HTML), again whenever a layer makes Leaflet redraw the line.
      map.attributionControl.setPrefix('<a href="https://leafletjs.com" lang="en">Leaflet</a>');
      var nameLibrary = function () {
        var link = map.attributionControl.getContainer().querySelector("a[href='https://leafletjs.com']");
        if (link && text.textLibrary) { link.title = text.textLibrary; }
      };
      nameLibrary();
      map.on("layeradd layerremove", nameLibrary);
    }
  });

  // "5 ideas" with the right plural form (Russian: 1 идея, 2 идеи, 5 идей), chosen with
  // Intl.PluralRules among the forms the server wrote for this language.
  function ideasCount(map, count) {
    var forms = {};
    try { forms = JSON.parse(texts(map).textIdeas || "{}"); } catch (e) { forms = {}; }
    var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang()) : null;
    var category = rules ? rules.select(count) : (count === 1 ? "one" : "other");
    return fill(forms[category] || forms.other || forms.many, "count", String(count));
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

  /* The icon of a cluster of `count` ideas on `map`: its number shown, "21 ideas. Zoom in to
   * see them." said, or what the page's `label` says ("{ideas}" and "{count}" filled in). */
  function clusterIcon(map, count, className, size, label) {
    var circle = document.createElement("div");
    var number = document.createElement("span");
    number.textContent = String(count);
    circle.appendChild(number);
    return new LabelledIcon({
      html: circle, className: className, iconSize: L.point(size, size),
      label: fill(fill(label || texts(map).textCluster, "ideas", ideasCount(map, count)),
                  "count", String(count))
    });
  }

  /* Leaflet.markercluster's iconCreateFunction for the clusters of `map`, in its look. */
  function markerClusterIcons(map) {
    return function (group) {
      var count = group.getChildCount();
      var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
      return clusterIcon(map, count, "marker-cluster marker-cluster-" + size, 40);
    };
  }

  window.MyAlmatyMapControls = { clusterIcon: clusterIcon, markerClusterIcons: markerClusterIcons };
}());
