/* kinerja serve: a calendar beside each dd/mm/yyyy date field. The fields work without it
   (typed as hh/bb/tttt); the browser's own date picker only fills them in. */
(function () {
  "use strict";

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  function iso(text) {
    var match = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
    return match ? match[3] + "-" + pad(+match[2]) + "-" + pad(+match[1]) : "";
  }

  document.querySelectorAll("input.tanggal").forEach(function (field) {
    if (!HTMLInputElement.prototype.showPicker) { return; }
    var label = document.querySelector("label[for='" + field.id + "']");
    var name = label ? label.firstChild.textContent.trim() : "tanggal";
    var picker = document.createElement("input");
    picker.type = "date";
    picker.className = "pemilih-tanggal";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kalender";
    button.textContent = "Kalender";
    button.setAttribute("aria-label", "Pilih " + name + " dari kalender");
    button.addEventListener("click", function () {
      picker.value = iso(field.value);
      picker.showPicker();
    });
    picker.addEventListener("change", function () {
      var parts = picker.value.split("-");
      if (parts.length === 3) { field.value = parts[2] + "/" + parts[1] + "/" + parts[0]; }
      field.focus();
    });
    field.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", picker);
  });
})();
