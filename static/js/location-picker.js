/* The submit form's location picker.
 * A click or tap on the map places a draggable pin; the latitude and longitude inputs follow
 * it, and typing into them moves the pin. "Use my location" asks the browser where allowed.
 * Without a pointer, and without dragging (WCAG 2.5.7): a cross marks the map's centre, the
 * arrow keys move the map under it (Leaflet's keyboard handler), and Enter on the map or the
 * "Place the pin here" button puts the pin at the cross. A place chosen in the search box
 * (static/js/place-search.js) gets the pin too.
 * Once a pin is placed, the status line (a live region) says which quarter the point is in,
 * or that it is outside the city, as GET /api/place answers: the same rule the server applies
 * when the idea is sent (it checks the point again). */
(function () {
  "use strict";
  var frame = document.querySelector("[data-location-picker]");
  if (!frame || !window.L) { return; }
  var map = window[frame.dataset.mapName];
  var latInput = document.getElementById(frame.dataset.latInput);
  var lonInput = document.getElementById(frame.dataset.lonInput);
  var quarterInput = document.getElementById(frame.dataset.quarterInput);
  var status = document.getElementById(frame.dataset.status);
  var locateButton = document.getElementById(frame.dataset.locateButton);
  var centreButton = document.getElementById(frame.dataset.centreButton);
  var centres = {};
  try { centres = JSON.parse(frame.dataset.quarterCentres || "{}"); } catch (e) { centres = {}; }
  if (!map || !latInput || !lonInput) { return; }
  var marker = null;

  function say(text) { if (status) { status.textContent = text; } }

  function readNumber(input) {
    var value = parseFloat(String(input.value).replace(",", "."));
    return isFinite(value) ? value : null;
  }

  function announcePoint() {
    frame.dispatchEvent(new CustomEvent("pointchange", { bubbles: true }));
  }

  function placeMarker(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
      return;
    }
    marker = L.marker(latlng, { draggable: true, autoPan: true, keyboard: false,
                                title: frame.dataset.markerTitle || "", alt: frame.dataset.markerTitle || "" });
    marker.on("dragend", function () { writeInputs(marker.getLatLng()); });
    marker.addTo(map);
  }

  // Only the answer for the latest point is shown (a slower earlier one is dropped).
  var placeRequest = 0;

  function placeSentence(place) {
    if (!place.inside_almaty) { return frame.dataset.msgOutside || ""; }
    if (place.quarter) { return (frame.dataset.msgQuarter || "").replace("{name}", place.quarter.name); }
    return frame.dataset.msgNoQuarter || "";
  }

  // Says where the pin is: the point at once, then the point with its quarter in one
  // sentence, so a screen reader hears the quarter without a second interruption.
  function describePoint(lat, lon, placed) {
    var request = ++placeRequest;
    if (placed) { say(placed); }
    if (!frame.dataset.placeUrl || !window.fetch) { return; }
    var url = frame.dataset.placeUrl + "?lat=" + encodeURIComponent(lat.toFixed(6)) +
      "&lon=" + encodeURIComponent(lon.toFixed(6));
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (place) {
        if (!place || request !== placeRequest) { return; }
        say((placed ? placed + " " : "") + placeSentence(place));
      })
      .catch(function () { /* the server checks the point when the idea is sent */ });
  }

  function writeInputs(latlng) {
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
    describePoint(latlng.lat, latlng.lng, (frame.dataset.msgPlaced || "")
      .replace("{lat}", latInput.value).replace("{lon}", lonInput.value));
    announcePoint();
  }

  function followInputs() {
    var lat = readNumber(latInput);
    var lon = readNumber(lonInput);
    if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) { return; }
    placeMarker([lat, lon]);
    map.panTo([lat, lon]);
    describePoint(lat, lon, "");
    announcePoint();
  }

  map.on("click", function (event) {
    placeMarker(event.latlng);
    writeInputs(event.latlng);
  });

  var cross = document.createElement("div");
  cross.className = "map-crosshair";
  cross.setAttribute("aria-hidden", "true");
  map.getContainer().appendChild(cross);

  // While the arrow keys still move the map, the pin waits for the map to stop under the cross.
  var moving = false;
  map.on("movestart", function () { moving = true; });
  map.on("moveend", function () { moving = false; });

  function placeAtCentre() {
    if (moving) { map.once("moveend", placeAtCentre); return; }
    var centre = map.getCenter();
    placeMarker(centre);
    writeInputs(centre);
  }

  // Enter on the map itself (not on a control or a marker inside it) places the pin.
  map.getContainer().addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target !== map.getContainer()) { return; }
    event.preventDefault();
    placeAtCentre();
  });
  if (centreButton) {
    centreButton.hidden = false;
    centreButton.addEventListener("click", placeAtCentre);
  }

  // A place found by name: the pin goes there, and the announcement names the place first.
  frame.addEventListener("placefound", function (event) {
    var place = event.detail;
    event.preventDefault();
    var latlng = L.latLng(place.lat, place.lon);
    placeMarker(latlng);
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
    describePoint(latlng.lat, latlng.lng, (frame.dataset.msgFound || "").replace("{name}", place.name) + " " +
      (frame.dataset.msgPlaced || "").replace("{lat}", latInput.value).replace("{lon}", lonInput.value));
    announcePoint();
  });
  latInput.addEventListener("change", followInputs);
  lonInput.addEventListener("change", followInputs);
  followInputs();

  // Choosing a quarter with no pin yet shows that quarter (its centre is what the server uses).
  if (quarterInput) {
    quarterInput.addEventListener("change", function () {
      var centre = centres[quarterInput.value];
      if (centre && !marker) { map.setView(centre, 15); }
    });
  }

  if (locateButton && navigator.geolocation && window.isSecureContext !== false) {
    locateButton.hidden = false;
    locateButton.addEventListener("click", function () {
      say(frame.dataset.msgLocating || "");
      navigator.geolocation.getCurrentPosition(function (position) {
        var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
        placeMarker(latlng);
        map.setView(latlng, 16);
        latInput.value = latlng.lat.toFixed(6);
        lonInput.value = latlng.lng.toFixed(6);
        describePoint(latlng.lat, latlng.lng, frame.dataset.msgLocated || "");
        announcePoint();
      }, function () {
        say(frame.dataset.msgDenied || "");
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
}());
