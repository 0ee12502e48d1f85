/* "Select all" for bulk decisions. The checkboxes work without it; the control only appears
   when this script runs. */
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (control) {
    var form = control.closest("form");
    var boxes = form ? form.querySelectorAll("input[type=checkbox][name=ideas]") : [];
    if (!boxes.length) { return; }
    var wrapper = control.closest("[hidden]");
    if (wrapper) { wrapper.hidden = false; }
    function sync() {
      var checked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
      control.checked = checked === boxes.length;
      control.indeterminate = checked > 0 && checked < boxes.length;
    }
    control.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = control.checked; });
      sync();
    });
    boxes.forEach(function (box) { box.addEventListener("change", sync); });
    sync();
  });
})();
