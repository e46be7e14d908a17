/* Small behaviours that work without it too: one submit per form, and a warning before leaving
   a form with unsaved changes. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.dataset.dirty = "";
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
      b.setAttribute("aria-disabled", "true");
    });
  });
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-warn-unsaved")) { form.dataset.dirty = "1"; }
  });
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector("form[data-dirty='1']")) { event.preventDefault(); event.returnValue = ""; }
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitted='1']").forEach(function (f) {
      f.dataset.submitted = "";
      f.querySelectorAll("[aria-disabled]").forEach(function (b) { b.removeAttribute("aria-disabled"); });
    });
  });
})();
