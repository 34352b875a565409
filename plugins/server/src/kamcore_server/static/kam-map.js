// The account page's org chart, drawn with Cytoscape.js (vendored: cytoscape.min.js) from the
// JSON in the data-graph attribute of div.org-graph (kamcore_server.pages.org_graph makes it).
//
// Reporting lines solid, dotted lines dashed, influence purple dashes, conflicts red dots,
// informal links grey dots; fill = support and size = relationship strength as in the HTML
// report; placeholders hollow and dashed; coverage gaps with an amber halo. Clicking a person
// (or choosing one with the arrow keys and pressing Enter) opens the person's row form of the
// people table below (its Edit button), or marks the row when the page offers no forms.
// The table and the list stay the accessible fallback; without script they are all there is.
(function () {
  "use strict";

  var EDGE_STYLES = {
    reports_to: { colour: "#3b4656", width: 2, line: "solid", arrow: "none" },
    dotted_line: { colour: "#3b4656", width: 2, line: "dashed", pattern: [6, 4], arrow: "triangle" },
    influences: { colour: "#6d3fc0", width: 1.8, line: "dashed", pattern: [6, 3], arrow: "triangle" },
    conflicts: { colour: "#b2182b", width: 2, line: "dashed", pattern: [2, 3], arrow: "none" },
    informal: { colour: "#6b7280", width: 1.6, line: "dotted", arrow: "none" }
  };

  function styles() {
    var rules = [
      { selector: "node", style: {
        "background-color": "data(colour)", "width": "data(size)", "height": "data(size)",
        "border-width": 2, "border-color": "#ffffff",
        "label": "data(label)", "text-wrap": "wrap", "text-max-width": 170,
        "text-valign": "center", "text-halign": "right", "text-justification": "left",
        "text-margin-x": 7, "font-size": 11, "color": "#1b2330",
        "text-background-color": "#fbfcfd", "text-background-opacity": 0.9,
        "text-background-padding": 2,
        "font-family": "system-ui, Segoe UI, Helvetica Neue, Liberation Sans, Arial, sans-serif"
      } },
      { selector: "node.high", style: { "border-color": "#1b2330", "border-width": 3.5 } },
      { selector: "node.placeholder", style: {
        "background-color": "#ffffff", "border-color": "data(colour)", "border-width": 2.5,
        "border-style": "dashed", "font-style": "italic"
      } },
      { selector: "node.gap", style: {
        "underlay-color": "#f5b041", "underlay-opacity": 0.55, "underlay-padding": 7,
        "underlay-shape": "ellipse"
      } },
      { selector: "node:selected", style: {
        "overlay-color": "#1f5fa8", "overlay-opacity": 0.18, "overlay-padding": 8
      } },
      // Lines other than reporting lines arc off the straight way, so that between two
      // people of one level they do not run along the names.
      { selector: "edge", style: {
        "curve-style": "unbundled-bezier", "control-point-distances": 36,
        "control-point-weights": 0.5, "target-arrow-shape": "none", "arrow-scale": 0.9,
        "opacity": 0.9
      } },
      { selector: "edge.reports_to", style: { "curve-style": "taxi", "taxi-direction": "downward" } }
    ];
    Object.keys(EDGE_STYLES).forEach(function (type) {
      var s = EDGE_STYLES[type];
      var style = { "line-color": s.colour, "width": s.width, "line-style": s.line,
        "target-arrow-shape": s.arrow, "target-arrow-color": s.colour };
      if (s.pattern) { style["line-dash-pattern"] = s.pattern; }
      rules.push({ selector: "edge." + type, style: style });
    });
    return rules;
  }

  function rowOf(id) {
    return document.querySelector('tr[data-person="' + CSS.escape(id) + '"]');
  }

  // Open the person's form (the Edit button of their row), or mark the row for a viewer.
  function openPerson(id) {
    var row = rowOf(id);
    if (!row) { return; }
    row.scrollIntoView({ block: "center" });
    var edit = row.querySelector('button[hx-get$="/edit"]');
    if (!edit) {
      document.querySelectorAll("tr.picked").forEach(function (r) { r.classList.remove("picked"); });
      row.classList.add("picked");
      return;
    }
    document.addEventListener("htmx:afterSettle", function focusForm() {
      document.removeEventListener("htmx:afterSettle", focusForm);
      var name = document.querySelector("tr.editing input[name=name]");
      if (name) { name.focus(); }
    });
    edit.click();
  }

  function say(text) {
    var status = document.getElementById("org-graph-status");
    if (status) { status.textContent = text; }
  }

  // The people in reading order (top to bottom, left to right), for the arrow keys.
  function ordered(cy) {
    return cy.nodes().toArray().sort(function (a, b) {
      var p = a.position(), q = b.position();
      return Math.abs(p.y - q.y) > 1 ? p.y - q.y : p.x - q.x;
    });
  }

  function choose(cy, node) {
    cy.nodes().unselect();
    node.select();
    say(node.data("summary"));
    var source = document.querySelector("form.relationship select[name=source_id]");
    if (source) { source.value = node.id(); }
  }

  function keys(box, cy) {
    box.addEventListener("keydown", function (event) {
      var people = ordered(cy);
      if (!people.length) { return; }
      var current = cy.nodes(":selected").first();
      var at = current.length ? people.indexOf(current[0]) : -1;
      if (event.key === "ArrowRight" || event.key === "ArrowDown") {
        choose(cy, people[(at + 1) % people.length]);
      } else if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
        choose(cy, people[(at - 1 + people.length) % people.length]);
      } else if ((event.key === "Enter" || event.key === " ") && current.length) {
        openPerson(current.id());
      } else {
        return;
      }
      event.preventDefault();
    });
  }

  function tools(figure, cy) {
    var bar = figure.querySelector(".org-graph-tools");
    if (!bar) { return; }
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var action = event.target.getAttribute("data-graph-action");
      if (action === "fit") {
        cy.fit(undefined, 24);
      } else if (action === "add-person") {
        var add = document.getElementById("add-person");
        if (add) { add.open = true; add.querySelector("input[name=name]").focus(); }
      } else if (action === "add-relationship") {
        var who = document.querySelector("form.relationship select[name=source_id]");
        if (who) { who.scrollIntoView({ block: "center" }); who.focus(); }
      }
    });
  }

  // The tree, from the reporting lines alone and everyone without a manager on top (the other
  // lines would pull people out of their place), in a box as tall as the tree is deep (the
  // layout spreads the levels over the box, so it runs again once the height is set).
  function arrange(box, cy) {
    if (cy.destroyed()) { return; }
    var lines = cy.edges(".reports_to");
    var tree = {
      name: "breadthfirst", directed: true, spacingFactor: 1.1, avoidOverlap: true,
      nodeDimensionsIncludeLabels: true, fit: false,
      roots: cy.nodes().filter(function (node) { return lines.targets().has(node) === false; })
    };
    cy.nodes().union(lines).layout(tree).run();
    var levels = {};
    cy.nodes().forEach(function (node) { levels[Math.round(node.position("y"))] = true; });
    var height = Math.min(36, 7 + 7.5 * Object.keys(levels).length) + "rem";
    if (box.style.height !== height) {
      box.style.height = height;
      cy.resize();
      cy.nodes().union(lines).layout(tree).run();
    }
    cy.fit(undefined, 24);
  }

  function draw(box) {
    if (box.kamGraph || typeof window.cytoscape !== "function") { return; }
    var data = JSON.parse(box.getAttribute("data-graph"));
    box.classList.add("drawn");
    var cy = window.cytoscape({
      container: box, elements: data.nodes.concat(data.edges), style: styles(),
      layout: { name: "preset" }, minZoom: 0.25, maxZoom: 1.6,
      boxSelectionEnabled: false, autoungrabify: true, selectionType: "single"
    });
    arrange(box, cy);
    var pending = null;
    cy.on("resize", function () {  // the window changed: lay the tree out for the new width
      clearTimeout(pending);
      pending = setTimeout(function () { arrange(box, cy); }, 150);
    });
    cy.on("tap", "node", function (event) {
      choose(cy, event.target);
      openPerson(event.target.id());
    });
    keys(box, cy);
    var figure = box.closest("figure");
    tools(figure, cy);
    var list = document.querySelector("details.org-list");
    if (list) { list.open = false; }
    box.kamGraph = cy;
  }

  function drawIn(root) {
    if (!root || !root.querySelectorAll) { return; }
    if (root.matches && root.matches("[data-graph]")) { draw(root); }
    root.querySelectorAll("[data-graph]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawIn(document); });
  // htmx swaps the people section in after each change: draw the new chart, free the old one.
  document.addEventListener("htmx:load", function (event) { drawIn(event.detail.elt); });
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    var gone = event.detail.elt;
    if (gone && gone.kamGraph) { gone.kamGraph.destroy(); gone.kamGraph = null; }
  });
})();
