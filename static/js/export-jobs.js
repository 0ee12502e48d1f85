/* The exports page: exports still being written ask for their status every two seconds and
   show it in place, with the download link once ready. Without this script, reloading the page
   shows the same. */
(function () {
  "use strict";
  var EVERY_MS = 2000;

  function show(item, job) {
    item.dataset.status = job.status;
    item.querySelector("[data-job-label]").textContent = job.label;
    var bar = item.querySelector("[data-job-progress]");
    if (bar) {
      if (job.percent !== null) {
        bar.value = job.percent;
        bar.textContent = job.percent + " %";
      }
      if (job.status !== "queued" && job.status !== "running") { bar.remove(); }
    }
    if (job.download_url) {
      var place = item.querySelector("[data-job-download]");
      var link = document.createElement("a");
      link.className = "button";
      link.href = job.download_url;
      link.textContent = job.download_label;
      var kept = document.createElement("span");
      kept.className = "muted";
      kept.textContent = " " + job.expires_label;
      place.replaceChildren(link, kept);
    }
  }

  function watch(item) {
    function ask() {
      fetch(item.dataset.statusUrl, {headers: {Accept: "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) { return; }
          show(item, job);
          if (job.status === "queued" || job.status === "running") { window.setTimeout(ask, EVERY_MS); }
        })
        .catch(function () { window.setTimeout(ask, EVERY_MS * 5); });
    }
    window.setTimeout(ask, EVERY_MS);
  }

  document.querySelectorAll("[data-export-job]").forEach(function (item) {
    if (item.dataset.status === "queued" || item.dataset.status === "running") { watch(item); }
  });
})();
