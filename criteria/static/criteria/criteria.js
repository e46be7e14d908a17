/* Criteria pages, small enhancements that the pages do not depend on:
   - a confirmation before buttons marked data-confirm (closing a round early);
   - the propose form shows only the fields of the chosen kind (indicator or behaviour rubric);
   - on the SKP page, picking an indicator from the library fills the add-indicator form. */
(function () {
  "use strict";

  // Capture phase: runs before the page-wide "submit once" handler, so a cancelled confirmation
  // leaves the form usable.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  var RUBRIC_ONLY = ["value", "example_below", "example_meets", "example_above"];
  var INDICATOR_ONLY = ["aspect", "indicator_kind", "measure_unit"];

  function showKind(form) {
    var select = form.querySelector("select[name=criterion_kind]");
    if (!select) { return; }
    var rubric = select.value === "perilaku";
    form.querySelectorAll("[data-field]").forEach(function (p) {
      var name = p.dataset.field;
      if (RUBRIC_ONLY.indexOf(name) >= 0) { p.hidden = !rubric; }
      if (INDICATOR_ONLY.indexOf(name) >= 0) { p.hidden = rubric; }
    });
  }

  function fillFromLibrary(select) {
    var option = select.options[select.selectedIndex];
    var form = select.form;
    if (!option || !option.value || !form) { return; }
    var fields = { text: option.dataset.text, aspect: option.dataset.aspect, kind: option.dataset.kind,
                   target_unit: option.dataset.unit };
    Object.keys(fields).forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input && fields[name] !== undefined) { input.value = fields[name]; }
    });
    form.dataset.dirty = "1";
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("form[data-criteria-kind] select[name=criterion_kind]")) {
      showKind(target.form);
    }
    if (target.matches && target.matches("select[data-library-pick]")) {
      fillFromLibrary(target);
    }
  });

  function init() {
    document.querySelectorAll("form[data-criteria-kind]").forEach(showKind);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
