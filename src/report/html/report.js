(function () {
  "use strict";
  // Milliseconds from navigation to this script: the parse of the page.
  var parsedAt = performance.now();
  // What went wrong while the page ran, for the self-test below.
  var problems = [];
  window.addEventListener("error", function (event) { problems.push("error: " + event.message); });
  document.addEventListener("securitypolicyviolation", function (event) {
    problems.push("blocked by the page's policy: " + event.violatedDirective + " " + event.blockedURI);
  });
  var table = document.getElementById("posts");
  var form = document.getElementById("filters");
  var rows = table ? Array.prototype.slice.call(table.tBodies[0].rows) : [];

  function has(list, value) {
    return (" " + list + " ").indexOf(" " + value + " ") >= 0;
  }

  function matches(row, filter) {
    var data = row.dataset;
    return (!filter.market || has(data.markets, filter.market)) &&
      (!filter.platform || data.platform === filter.platform) &&
      (!filter.category || has(data.categories, filter.category)) &&
      (!filter.severity || has(data.severities, filter.severity)) &&
      (!filter.q || row.textContent.toLowerCase().indexOf(filter.q) >= 0);
  }

  function apply() {
    var fields = form.elements;
    var filter = {
      q: fields.q.value.trim().toLowerCase(),
      market: fields.market.value,
      platform: fields.platform.value,
      category: fields.category.value,
      severity: fields.severity.value
    };
    var shown = 0;
    rows.forEach(function (row) {
      row.hidden = !matches(row, filter);
      if (!row.hidden) { shown += 1; }
    });
    document.getElementById("shown").textContent = shown + " of " + rows.length + " posts shown";
  }

  var numeric = { verdict: true, order: true };
  function sortBy(key, header, descending) {
    Array.prototype.forEach.call(header.parentNode.cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
    rows.sort(function (a, b) {
      var x = a.dataset[key], y = b.dataset[key];
      var order = numeric[key] ? Number(x) - Number(y) : x.localeCompare(y);
      if (order === 0) { order = Number(a.dataset.order) - Number(b.dataset.order); }
      return descending ? -order : order;
    });
    var body = table.tBodies[0];
    rows.forEach(function (row) { body.appendChild(row); });
  }

  if (table && form) {
    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header) {
      var key = header.dataset.sort;
      if (!key) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = header.textContent;
      header.textContent = "";
      header.appendChild(button);
      button.addEventListener("click", function () {
        sortBy(key, header, header.getAttribute("aria-sort") === "ascending");
      });
    });
  }

  // `#selftest=[{"q": …, "sort": …}, …]`: applies each filter and sort as a
  // user would, then writes what the page shows as JSON into a new element
  // at the end of the body, for tests that load the page in a headless
  // browser.
  function selftest() {
    var scenarios = JSON.parse(decodeURIComponent(location.hash.slice("#selftest=".length) || "[]"));
    var idOf = function (row) { return row.querySelector(".id").textContent; };
    var visible = function () {
      return Array.prototype.slice.call(table ? table.tBodies[0].rows : [])
        .filter(function (row) { return !row.hidden; }).map(idOf);
    };
    var initial = rows.map(idOf);
    var texts = rows.map(function (row) { return row.textContent; });
    var results = scenarios.map(function (scenario) {
      form.reset();
      ["q", "market", "platform", "category", "severity"].forEach(function (name) {
        if (scenario[name] !== undefined) { form.elements[name].value = scenario[name]; }
      });
      form.elements.q.dispatchEvent(new Event("input", { bubbles: true }));
      if (scenario.sort) {
        var header = table.tHead.querySelector("[data-sort='" + scenario.sort + "']");
        header.querySelector("button").click();
        if (scenario.descending) { header.querySelector("button").click(); }
      }
      return visible();
    });
    form && form.reset();
    form && apply();
    var count = function (selector) { return document.querySelectorAll(selector).length; };
    var handlers = 0, links = [];
    Array.prototype.forEach.call(document.querySelectorAll("*"), function (element) {
      Array.prototype.forEach.call(element.attributes, function (attribute) {
        if (attribute.name.toLowerCase().indexOf("on") === 0) { handlers += 1; }
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[href], [src], [action], [formaction]"), function (element) {
      links.push(element.getAttribute("href") || element.getAttribute("src") || element.getAttribute("action") || element.getAttribute("formaction"));
    });
    var summary = {};
    Array.prototype.forEach.call(document.querySelectorAll("dl.summary .count"), function (element) {
      summary[element.dataset.verdict] = Number(element.textContent);
    });
    var report = {
      problems: problems,
      parsedAt: parsedAt,
      summary: summary,
      rows: initial,
      visibleAfterReset: visible().length,
      scenarios: results,
      elements: {
        script: count("script"), style: count("style"), img: count("img"), iframe: count("iframe"),
        object: count("object, embed"), link: count("link"), svg: count("svg"), form: count("form"),
        handlers: handlers
      },
      links: links,
      texts: texts
    };
    var output = document.createElement("pre");
    output.id = "selftest";
    output.textContent = JSON.stringify(report);
    document.body.appendChild(output);
  }

  if (location.hash.indexOf("#selftest") === 0) {
    try { selftest(); } catch (error) {
      var failure = document.createElement("pre");
      failure.id = "selftest";
      failure.textContent = JSON.stringify({ problems: problems.concat(["self-test: " + error]) });
      document.body.appendChild(failure);
    }
  }
})();
