/* The header's menu button on narrow screens: shows the button (without script the whole menu
 * shows instead), opens and closes the menu with aria-expanded, and closes it on Escape, or when
 * focus or a tap leaves the header, as the open menu lies over the page. */
(function (header) {
  "use strict";
  var button = header.querySelector(".menu-button");
  function setOpen(open) {
    button.setAttribute("aria-expanded", String(open));
    header.classList.toggle("menu-open", open);
  }
  header.classList.add("has-menu-button");
  button.hidden = false;
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
  // The open menu lies over the page: leaving it, by tab or by a tap elsewhere, closes it.
  header.addEventListener("focusout", function (event) {
    if (event.relatedTarget && !header.contains(event.relatedTarget)) { setOpen(false); }
  });
  document.addEventListener("click", function (event) {
    if (!header.contains(event.target)) { setOpen(false); }
  });
}(document.currentScript.parentNode));
