// The Labelbridge demo page's code (assets/demo/index.html). It runs in
// the agent's own origin with the SDK's classic script, both served by the
// agent, and prints through that agent as an ordinary page.
"use strict";
(function () {
  // ---- the two labels (the Labelbridge label model, v1) ----
  var LABELS = {
    product: {
      width: 100, height: 60, unit: "mm", dpi: 203,
      elements: [
        { type: "box", x: 1, y: 1, width: 98, height: 58, thickness: 0.5 },
        { type: "text", x: 4, y: 4, text: "유기농 녹차 Green Tea", size: 3.6 },
        { type: "text", x: 4, y: 11, text: "500g · 제주산 · ~2027-06-30", size: 2.4 },
        { type: "barcode", symbology: "ean13", x: 4, y: 18, data: "8801234567893", height: 14 },
        { type: "barcode", symbology: "qr", x: 72, y: 5, data: "https://example.com/p/8801234567893", size: 22 },
        { type: "line", x1: 1, y1: 40, x2: 99, y2: 40, thickness: 0.3 },
        { type: "text", x: 4, y: 43, text: "판매가 ₩12,900", size: 5 },
        { type: "text", x: 4, y: 52, text: "SKU GT-500-JJ", size: 2.6, font: "printer" }
      ]
    },
    shipping: {
      width: 100, height: 150, unit: "mm", dpi: 203,
      elements: [
        { type: "box", x: 1, y: 1, width: 98, height: 148, thickness: 0.5 },
        { type: "text", x: 4, y: 4, text: "보내는 분  라벨브리지 물류센터", size: 3 },
        { type: "text", x: 4, y: 10, text: "경기도 성남시 분당구 판교역로 235", size: 2.6 },
        { type: "line", x1: 1, y1: 17, x2: 99, y2: 17, thickness: 0.4 },
        { type: "text", x: 4, y: 21, text: "받는 분  홍길동 님", size: 4.5 },
        { type: "text", x: 4, y: 30, text: "서울특별시 강남구 테헤란로 123, 4층", size: 3.2 },
        { type: "text", x: 4, y: 37, text: "010-1234-5678", size: 3.2, font: "printer" },
        { type: "line", x1: 1, y1: 44, x2: 99, y2: 44, thickness: 0.4 },
        { type: "text", x: 4, y: 48, text: "운송장 번호 TRACKING", size: 2.8 },
        { type: "barcode", symbology: "code128", x: 6, y: 54, data: "KR1234567890", height: 22 },
        { type: "barcode", symbology: "qr", x: 6, y: 92, data: "https://example.com/track/KR1234567890", size: 34 },
        { type: "barcode", symbology: "datamatrix", x: 60, y: 96, data: "KR1234567890|SEL|B2", size: 26 },
        { type: "text", x: 48, y: 128, text: "취급주의 · FRAGILE", size: 4 }
      ]
    }
  };

  var $ = function (id) { return document.getElementById(id); };
  // The demo talks only to the agent that served it (its own origin): no
  // query parameter may point it, or the code it loads, anywhere else.
  var agentPort = Number(location.port) || 80;

  window.demoJobs = []; // {id, label, printer, state, startedAt, doneMs} — also read by the end-to-end test
  var lb = null;

  function setStatus(state, text) {
    var el = $("status");
    el.className = "pill " + state;
    el.textContent = text || state;
  }
  function showError(title, hint) {
    $("error-title").textContent = title;
    $("error-hint").textContent = hint || "";
    $("error").classList.toggle("show", !!title);
  }
  function enable(on) {
    $("print-product").disabled = $("print-shipping").disabled = $("printer").disabled = !on;
  }

  function fillPrinters(list) {
    var sel = $("printer"), keep = sel.value;
    sel.textContent = "";
    list.forEach(function (p) {
      var o = document.createElement("option");
      o.value = p.id;
      o.textContent = p.name + " (" + p.language + ", " + p.status.state + ")" + (p.isDefault ? " ★" : "");
      sel.appendChild(o);
    });
    if (keep && list.some(function (p) { return p.id === keep; })) sel.value = keep;
  }

  function renderJobs() {
    var body = $("jobs");
    body.textContent = "";
    window.demoJobs.slice().reverse().forEach(function (j) {
      var tr = document.createElement("tr");
      [j.id, j.label, j.printer, j.state, j.doneMs != null ? j.doneMs + " ms" : ""].forEach(function (v, i) {
        var td = document.createElement("td");
        td.textContent = v;
        if (i === 3) td.className = "state-" + j.state;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function onJob(job) {
    var j = window.demoJobs.find(function (x) { return x.id === job.id; });
    if (!j) return;
    j.state = job.state;
    if (job.state === "done" && j.doneMs == null) j.doneMs = Math.round(performance.now() - j.startedAt);
    renderJobs();
  }

  function printLabel(name) {
    var startedAt = performance.now();
    var copies = Math.max(1, Math.min(99, Number($("copies").value) || 1));
    return lb.print(LABELS[name], { printer: $("printer").value || undefined, copies: copies, title: name + " label (demo)" })
      .then(function (job) {
        var j = { id: job.id, label: name, printer: job.printer, state: job.state, startedAt: startedAt, doneMs: null };
        window.demoJobs.push(j);
        renderJobs();
        return lb.waitJob(job.id).then(onJob);
      })
      .catch(function (e) { showError(e.message, ""); });
  }

  function showPreviews() {
    Object.keys(LABELS).forEach(function (name) {
      lb.preview(LABELS[name]).then(function (url) {
        var img = new Image();
        img.alt = name + " label preview";
        img.src = url;
        var box = $("preview-" + name);
        box.textContent = "";
        box.appendChild(img);
      }, function (e) { $("preview-" + name).textContent = "preview unavailable: " + e.message; });
    });
  }

  function start() {
    setStatus("connecting");
    Labelbridge.connect({ ports: [agentPort], host: location.hostname }).then(function (client) {
      lb = client;
      window.demo = { lb: lb, labels: LABELS, print: printLabel };
      lb.on("status", function (s) {
        setStatus(s.state, s.state + (s.port ? " · port " + s.port : ""));
        enable(s.state === "connected");
        showError(s.state === "reconnecting" && s.error ? "Reconnecting to Labelbridge… " + s.error.message : "", "");
      });
      lb.on("printers", fillPrinters);
      lb.on("job", onJob);
      setStatus("connected", "connected · port " + lb.port);
      showError("");
      enable(true);
      showPreviews();
      return lb.printers().then(fillPrinters);
    }, function (e) {
      setStatus("closed", "not connected");
      showError(e.message.replace(e.hint, "").trim(), e.hint);
      window.demoError = { reason: e.reason, message: e.message, hint: e.hint };
    });
  }

  ["print-product", "print-shipping"].forEach(function (id) {
    $(id).addEventListener("click", function (ev) { printLabel(ev.currentTarget.dataset.label); });
  });

  start(); // the SDK's classic script came before this one, from the same agent
})();
