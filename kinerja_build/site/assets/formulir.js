/* kinerja: record forms generated from the JSON Schemas (json-editor), YAML out.
   Runs offline: the library is vendored in assets/json-editor/ (scripts/vendor-forms). */
(function () {
  "use strict";

  var ID = {
    error_notset: "Kolom ini wajib diisi",
    error_notempty: "Kolom ini wajib diisi",
    error_enum: "Pilih salah satu nilai yang tersedia",
    error_const: "Nilai tidak sesuai",
    error_anyOf: "Isi salah satu bentuk yang diizinkan (mis. berkas atau tautan)",
    error_oneOf: "Isi tepat satu bentuk yang diizinkan",
    error_type: "Jenis nilai harus {{0}}",
    error_maximum_incl: "Nilai paling besar {{0}}",
    error_minimum_incl: "Nilai paling kecil {{0}}",
    error_maxLength: "Paling banyak {{0}} karakter",
    error_minLength: "Wajib diisi (paling sedikit {{0}} karakter)",
    error_pattern: "Bentuk isian tidak sesuai",
    error_maxItems: "Paling banyak {{0}} butir",
    error_minItems: "Paling sedikit {{0}} butir",
    error_uniqueItems: "Butir tidak boleh sama",
    error_required: "Kolom wajib belum diisi: {{0}}",
    error_additional_properties: "Kolom tidak dikenal: {{0}}",
    button_add_row_title: "Tambah {{0}}",
    button_delete_last_title: "Hapus {{0}} terakhir",
    button_delete_row_title: "Hapus {{0}}",
    button_delete_all_title: "Hapus semua",
    button_collapse: "Tutup",
    button_expand: "Buka",
    button_object_properties: "Kolom opsional",
    flatpickr_clear_button: "Hapus"
  };

  function quote(text) {
    // A JSON string is a valid double-quoted YAML scalar: every character is escaped safely.
    return JSON.stringify(text);
  }

  function scalar(value) {
    if (typeof value === "string") {
      return /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value) ? value : quote(value);
    }
    return JSON.stringify(value);
  }

  function emit(value, indent, lines) {
    var pad = " ".repeat(indent);
    Object.keys(value).forEach(function (key) {
      var item = value[key];
      if (item === undefined || item === null || item === "" ||
          (Array.isArray(item) && item.length === 0)) {
        return;
      }
      if (Array.isArray(item)) {
        if (item.every(function (x) { return typeof x !== "object"; })) {
          lines.push(pad + key + ": [" + item.map(scalar).join(", ") + "]");
          return;
        }
        lines.push(pad + key + ":");
        item.forEach(function (element) {
          var inner = [];
          emit(element, indent + 4, inner);
          if (inner.length) {
            inner[0] = pad + "  - " + inner[0].trimStart();
            inner.forEach(function (line) { lines.push(line); });
          }
        });
      } else if (typeof item === "object") {
        var nested = [];
        emit(item, indent + 2, nested);
        if (nested.length) {
          lines.push(pad + key + ":");
          nested.forEach(function (line) { lines.push(line); });
        }
      } else {
        lines.push(pad + key + ": " + scalar(item));
      }
    });
  }

  function pruned(value) {
    // Empty strings, lists and objects left out, as the YAML leaves them out (see emit).
    if (Array.isArray(value)) {
      var items = value.map(pruned).filter(function (x) { return x !== undefined; });
      return items.length ? items : undefined;
    }
    if (value !== null && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (key) {
        var inner = pruned(value[key]);
        if (inner !== undefined) { out[key] = inner; }
      });
      return Object.keys(out).length ? out : undefined;
    }
    return value === "" || value === null ? undefined : value;
  }

  function toYaml(kind, data) {
    var periodic = kind !== "pegawai";
    var modeline = (periodic ? "../../../../" : "../../") + "schemas/" + kind + ".schema.json";
    var lines = ["# yaml-language-server: $schema=" + modeline];
    emit(data, 0, lines);
    return lines.join("\n") + "\n";
  }

  function pathOf(kind, data) {
    if (kind === "pegawai") {
      return "records/pegawai/" + (data.nip || "ID") + ".yaml";
    }
    return "records/kinerja/" + (data.periode || "PERIODE") + "/" + (data.pegawai || "ID") + "/" + kind + ".yaml";
  }

  // json-editor turns HTML into plain text (titles, array item headers) by assigning it to the
  // innerHTML of a detached <div>: an <img onerror> or <details ontoggle> in a loaded record
  // would run there. A document made by DOMParser is inert: nothing loads, no handler runs.
  function inertText(html) {
    return new DOMParser().parseFromString(String(html), "text/html").body.textContent || "";
  }

  function disarm() {
    [JSONEditor.AbstractEditor, JSONEditor.AbstractTheme].forEach(function (base) {
      if (base && base.prototype.cleanText) { base.prototype.cleanText = inertText; }
    });
  }

  function start(box) {
    var kind = box.dataset.kind;
    disarm();
    JSONEditor.defaults.languages.id = ID;
    JSONEditor.defaults.language = "id";
    fetch(box.dataset.schema).then(function (response) { return response.json(); }).then(function (schema) {
      var editor = new JSONEditor(box.querySelector(".kinerja-editor"), {
        schema: schema,
        theme: "html",
        iconlib: null,
        disable_edit_json: true,
        disable_properties: false,
        display_required_only: true,
        show_opt_in: false,
        prompt_before_delete: false,
        show_errors: "interaction"
      });
      var errors = box.querySelector(".kinerja-galat");
      var output = box.querySelector(".kinerja-yaml");
      var actions = box.querySelector(".kinerja-aksi");
      var load = box.querySelector(".kinerja-muat");
      if (load) {
        load.addEventListener("click", function () {
          var value = editor.getValue();
          // pegawai: data/<nip>/pegawai.json; the others: data/<periode>/<id>.json = {kind: record}
          var url = box.dataset.records + (kind === "pegawai" ? value.nip + "/pegawai.json" : value.periode + "/" + value.pegawai + ".json");
          fetch(url).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
            .then(function (data) {
              var record = kind === "pegawai" ? data : data[kind];
              if (!record) { throw new Error("tidak ada"); }
              editor.setValue(record); errors.textContent = "";
            })
            .catch(function () { errors.textContent = "Belum ada catatan " + kind + " untuk pilihan ini."; });
        });
      }
      box.querySelector(".kinerja-periksa").addEventListener("click", function () {
        // json-editor takes a typed value on "change" (blur) and updates its value
        // asynchronously: commit the field being typed in, then check on the next tick.
        if (document.activeElement) { document.activeElement.blur(); }
        window.setTimeout(check, 150);
      });
      function check() {
        // Every field is shown, so most stay empty: judge (and write) only what was filled.
        var value = pruned(editor.getValue()) || {};
        var problems = editor.validate(value);
        errors.innerHTML = "";
        actions.hidden = true;
        output.textContent = "";
        if (problems.length) {
          problems.forEach(function (problem) {
            var li = document.createElement("li");
            li.textContent = problem.path.replace(/^root\.?/, "") + ": " + problem.message;
            errors.appendChild(li);
          });
          return;
        }
        var text = toYaml(kind, value);
        var path = pathOf(kind, value);
        output.textContent = text;
        output.dataset.path = path;
        actions.hidden = false;
        var download = actions.querySelector(".kinerja-unduh");
        download.href = URL.createObjectURL(new Blob([text], { type: "text/yaml" }));
        download.download = path.split("/").pop();
        actions.querySelector(".kinerja-jalur").textContent = path;
        var github = actions.querySelector(".kinerja-github");
        if (box.dataset.repo) {
          github.hidden = false;
          github.href = box.dataset.repo.replace(/\/$/, "") + "/new/main?filename=" +
            encodeURIComponent(path) + "&value=" + encodeURIComponent(text);
        }
      }
      box.querySelector(".kinerja-salin").addEventListener("click", function () {
        if (navigator.clipboard) { navigator.clipboard.writeText(output.textContent); }
      });
      box.dataset.siap = "1";
    });
  }

  document.querySelectorAll(".kinerja-formulir").forEach(start);
})();
