// The map page: events from /api/events on offline Natural Earth boundaries, a brushable timeline,
// filters, an evidence panel and a territory layer. Plain JS over Leaflet; no network but this server.
"use strict";

// A view with more matching events than DETAIL_LIMIT (one API page) is drawn as grid cells counted by the
// server; zooming in (or a click on a cell) reaches every event one by one.
const DETAIL_LIMIT = 1000;
const DETAIL_ZOOM = 13;  // from here on events are drawn one by one however many share the view
const CELL_PIXELS = 56;
const MAX_EVENT_RADIUS = 14;
const MAX_CELL_RADIUS = 26;
const MIN_CELL_RADIUS = 7;
const EVENT_TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
                     "Strategic developments"];
// Colours are CSS custom properties of style.css (--type-battles, --map-land, ...), read once here.
const STYLE = getComputedStyle(document.documentElement);
const cssColour = (name) => STYLE.getPropertyValue(`--${name}`).trim();
const TYPE_COLOURS = Object.fromEntries(EVENT_TYPES.map(
  (name) => [name, cssColour(`type-${name.toLowerCase().replace(/[^a-z]+/g, "-")}`)]));
const OTHER_COLOUR = cssColour("type-other");
const FACTUAL = new Set(["occurred", "ongoing"]);
const DETAIL_FIELDS = [
  "event_date", "event_type", "sub_event_type", "actor1", "actor1_text", "actor2", "actor2_text",
  "location", "admin2", "admin1", "country", "latitude", "longitude", "geo_precision", "fatalities",
  "modality", "source", "review_status",
];
const REVIEW_FIELDS = ["event_date", "sub_event_type", "actor1", "actor2", "fatalities"];
const TOKEN_KEY = "fieldreport.reviewerToken";

const form = document.getElementById("filters");
const statusBox = document.getElementById("status");
const panel = document.getElementById("panel");
const timeline = document.getElementById("timeline");

const map = L.map("map", { zoomSnap: 0.25, minZoom: 3 }).setView([35.0, 38.3], 7);
map.attributionControl.setPrefix("Leaflet");
map.attributionControl.addAttribution("Boundaries: Natural Earth · Places: GeoNames (CC BY 4.0)");
map.createPane("boundaries").style.zIndex = 250;
map.createPane("territory").style.zIndex = 390;
const eventLayer = L.featureGroup().addTo(map);
const territoryLayer = L.featureGroup().addTo(map);
let selectedMarker = null;
let timelineBuckets = [];

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  return response.json();
}

function typeColour(eventType) {
  return TYPE_COLOURS[eventType] || OTHER_COLOUR;
}

// Screen pixels, square-root scaled and capped, so no marker hides the others whatever the toll.
function markerRadius(fatalities) {
  return Math.min(MAX_EVENT_RADIUS, 4 + 1.5 * Math.sqrt(fatalities || 0));
}

function cellRadius(count, largest) {
  return MIN_CELL_RADIUS + (MAX_CELL_RADIUS - MIN_CELL_RADIUS) * Math.sqrt(count / Math.max(largest, 1));
}

// Grid cells of about CELL_PIXELS on screen at the current zoom (a tile of 256 px spans 360/2^zoom degrees).
function cellDegrees() {
  return Math.min(45, (360 / 2 ** map.getZoom()) * (CELL_PIXELS / 256));
}

function viewBbox() {
  const bounds = map.getBounds();
  const clamp = (value, limit) => Math.max(-limit, Math.min(limit, value));
  return [clamp(bounds.getWest(), 180), clamp(bounds.getSouth(), 90), clamp(bounds.getEast(), 180),
          clamp(bounds.getNorth(), 90)].map((value) => value.toFixed(5)).join(",");
}

function filterParams(withDates) {
  const params = new URLSearchParams();
  for (const name of ["event_type", "admin1", "actor", "modality", "review"]) {
    const value = form.elements[name].value.trim();
    if (value) params.set(name, value);
  }
  if (withDates) {
    for (const name of ["start", "end"]) {
      if (form.elements[name].value) params.set(name, form.elements[name].value);
    }
  }
  return params;
}

function eventsUrl(bbox) {
  const params = filterParams(true);
  params.set("format", "geojson");
  params.set("limit", String(DETAIL_LIMIT));
  if (bbox) params.set("bbox", bbox);
  return `api/events?${params}`;
}

function gridUrl(bbox) {
  const params = filterParams(true);
  params.set("bbox", bbox);
  params.set("cell", cellDegrees().toPrecision(6));
  return `api/grid?${params}`;
}

function totalUrl() {
  const params = filterParams(true);
  params.set("limit", "1");
  return `api/events?${params}`;
}

async function loadBoundaries() {
  const [world, governorates] = await Promise.all([
    getJson("vendor/countries-50m.json"), getJson("vendor/syria-admin1.geojson"),
  ]);
  L.geoJSON(topojson.feature(world, world.objects.countries), {
    pane: "boundaries",
    interactive: false,
    style: (feature) => ({
      color: cssColour("map-border"), weight: 0.8, fillOpacity: 1,
      fillColor: cssColour(feature.properties.name === "Syria" ? "map-syria" : "map-land"),
    }),
  }).addTo(map);
  const governorateLayer = L.geoJSON(governorates, {
    pane: "boundaries",
    interactive: false,
    style: { color: cssColour("map-governorate-border"), weight: 1, dashArray: "4 3", fill: false },
    onEachFeature: (feature, layer) => {
      if (!feature.properties.admin1) return;
      layer.bindTooltip(feature.properties.admin1, {
        permanent: true, direction: "center", className: "governorate-label",
      });
    },
  }).addTo(map);
  map.fitBounds(governorateLayer.getBounds(), { padding: [10, 10] });
  fillGovernorateOptions(governorates.features);
}

function fillGovernorateOptions(features) {
  const names = features.map((feature) => feature.properties.admin1).filter(Boolean).sort();
  for (const name of names) {
    form.elements.admin1.add(new Option(name, name));
  }
}

function addLegend() {
  const legend = L.control({ position: "bottomright" });
  legend.onAdd = () => {
    const box = L.DomUtil.create("div", "legend");
    const rows = Object.entries(TYPE_COLOURS).map(
      ([name, colour]) => `<div><i style="background:${colour}"></i>${name}</div>`);
    box.innerHTML = rows.join("") + "<div>size: fatalities (capped) · hollow: not (yet) happened</div>" +
      "<div>numbered circles: events counted per area, click to zoom in</div>" +
      '<div><span class="territory-key"></span>territory: holder on the date</div>';
    return box;
  };
  legend.addTo(map);
}

// Events at the same point (a governorate's centre) are set apart on a small spiral so each can be clicked.
function spreadPositions(features) {
  const seen = new Map();
  return features.map((feature) => {
    const [lon, lat] = feature.geometry.coordinates;
    const key = `${lat},${lon}`;
    const index = seen.get(key) || 0;
    seen.set(key, index + 1);
    if (index === 0) return [lat, lon];
    const angle = index * 2.4;
    const distance = 0.012 * Math.sqrt(index);
    return [lat + distance * Math.sin(angle), lon + distance * Math.cos(angle)];
  });
}

function drawEvents(collection) {
  eventLayer.clearLayers();
  selectedMarker = null;
  const features = collection.features
    .filter((feature) => feature.geometry)
    .sort((a, b) => (b.properties.fatalities || 0) - (a.properties.fatalities || 0));
  const positions = spreadPositions(features);
  features.forEach((feature, index) => {
    const event = feature.properties;
    const factual = FACTUAL.has(event.modality);
    const marker = L.circleMarker(positions[index], {
      radius: markerRadius(event.fatalities),
      color: typeColour(event.event_type),
      weight: 1.5,
      fillColor: typeColour(event.event_type),
      fillOpacity: factual ? 0.7 : 0.15,
      dashArray: factual ? null : "3 2",
      className: "event-marker",
    });
    marker.bindTooltip(`${event.event_date} · ${event.sub_event_type} · ${event.location || event.admin1}`);
    marker.on("click", () => selectEvent(marker, event.id));
    marker.addTo(eventLayer);
    marker.getElement().dataset.eventId = event.id;
  });
  return features.length;
}

function drawCells(grid) {
  eventLayer.clearLayers();
  selectedMarker = null;
  const largest = Math.max(1, ...grid.cells.map((cell) => cell.count));
  for (const cell of grid.cells) {
    const radius = cellRadius(cell.count, largest);
    const icon = L.divIcon({
      className: "cell-marker", iconSize: [2 * radius, 2 * radius],
      html: `<div style="background:${typeColour(cell.event_type)}">${cell.count}</div>`,
    });
    const types = Object.entries(cell.types).map(([name, count]) => `${name}: ${count}`).join("<br>");
    L.marker([cell.latitude, cell.longitude], { icon })
      .bindTooltip(`${cell.count} events, ${cell.fatalities} dead<br>${types}<br>click to zoom in`)
      .on("click", () => zoomToCell(cell))
      .addTo(eventLayer);
  }
  return grid.total;
}

function zoomToCell(cell) {
  const bounds = L.latLngBounds([cell.south, cell.west], [cell.north, cell.east]);
  map.fitBounds(bounds.pad(0.1), { maxZoom: Math.max(map.getZoom() + 1, DETAIL_ZOOM) });
}

let loadCount = 0;

// The events of the current view: one by one when they are few (or the map is zoomed far in), else as
// grid cells. The total and the timeline always count the whole query, not the view.
async function loadEvents() {
  const thisLoad = ++loadCount;
  statusBox.textContent = "loading…";
  statusBox.dataset.busy = "1";
  const bbox = viewBbox();
  const [grid, page] = await Promise.all([getJson(gridUrl(bbox)), getJson(totalUrl())]);
  if (thisLoad !== loadCount) return;
  const detailed = grid.total <= DETAIL_LIMIT || map.getZoom() >= DETAIL_ZOOM;
  const collection = detailed ? await getJson(eventsUrl(bbox)) : null;
  if (thisLoad !== loadCount) return;
  const shown = detailed ? drawEvents(collection) : drawCells(grid);
  statusBox.dataset.total = page.total;
  statusBox.dataset.inView = grid.total;
  statusBox.dataset.shown = shown;
  statusBox.dataset.mode = detailed ? "events" : "cells";
  delete statusBox.dataset.busy;
  statusBox.textContent = statusText(page.total, grid.total, detailed, collection);
  drawTimelineSelection();
}

function statusText(total, inView, detailed, collection) {
  if (!detailed) return `${total} events, ${inView} in view in ${eventLayer.getLayers().length} cells: zoom in or click one`;
  const capped = collection.total > collection.features.length
    ? ` (first ${collection.features.length}: narrow the dates or filters)` : "";
  return `${total} events, ${collection.features.length} in view on the map${capped}`;
}

function selectEvent(marker, eventId) {
  if (selectedMarker) selectedMarker.setStyle({ weight: 1.5, color: selectedMarker.options.fillColor });
  marker.setStyle({ weight: 3, color: cssColour("map-selected") });
  marker.bringToFront();
  selectedMarker = marker;
  showEvent(eventId).catch(showError);
}

async function showEvent(eventId) {
  const [event, reviews] = await Promise.all([getJson(`api/events/${eventId}`), getJson(`api/events/${eventId}/reviews`)]);
  currentEvent = event;
  panel.replaceChildren(eventHeading(event), eventFields(event), reviewSection(event, reviews),
                        ...event.mentions.map(mentionSection));
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function eventHeading(event) {
  return element("h2", `${event.sub_event_type} — ${event.location || event.admin1 || "unknown place"}`);
}

function eventFields(event) {
  const list = element("dl");
  for (const name of DETAIL_FIELDS) {
    const value = event[name];
    if (value === null || value === undefined || value === "") continue;
    list.append(element("dt", name), element("dd", String(value)));
  }
  if (event.cited_sources && event.cited_sources.length) {
    list.append(element("dt", "cited sources"), element("dd", event.cited_sources.join("; ")));
  }
  return list;
}

function mentionSection(mention) {
  const section = element("section", null, "mention");
  const where = [mention.outlet, mention.published].filter(Boolean).join(", ") || "unknown outlet";
  section.append(element("h3", `Reported by ${where}`));
  section.append(element("p", "Highlighted: the words behind each field (hover to see which).", "supports"));
  const sentences = mention.sentences || [];
  if (mention.notes && !sentences.length) {
    section.append(element("p", mention.notes, "notes"));
  }
  for (const sentence of sentences) {
    section.append(evidenceParagraph(sentence));
  }
  const cited = (mention.cited_sources || []).join("; ");
  section.append(element("p", `Cited sources: ${cited || "none named"} · document ${mention.document_id}`, "cited"));
  return section;
}

// One evidence sentence: plain text, with each span that supports a field in a <mark>.
function evidenceParagraph(sentence) {
  const paragraph = element("p", null, "evidence");
  for (const segment of sentence.segments) {
    if (segment.fields.length) {
      const mark = element("mark", segment.text);
      mark.dataset.fields = segment.fields.join(" ");
      mark.title = segment.fields.join(", ");
      paragraph.append(mark);
    } else {
      paragraph.append(document.createTextNode(segment.text));
    }
  }
  if (sentence.fields.length) {
    paragraph.append(element("span", `supports: ${sentence.fields.join(", ")}`, "supports"));
  }
  return paragraph;
}

function showError(error) {
  statusBox.textContent = `error: ${error.message}`;
}

// ---- review: confirm, reject or correct the event in the panel, under the reviewer's token ----

let currentEvent = null;
let pickedPoint = null;
let reviewQueue = null;
let queueIndex = -1;
let taxonomy = null;
const tokenInput = document.getElementById("reviewer-token");
tokenInput.value = localStorage.getItem(TOKEN_KEY) || "";
tokenInput.addEventListener("change", () => localStorage.setItem(TOKEN_KEY, tokenInput.value.trim()));

function reviewSection(event, reviews) {
  const section = element("section", null, "review");
  section.append(element("h3", `Review: ${event.review_status || "not reviewed"}`));
  const reviewForm = element("form");
  reviewForm.id = "review-form";
  for (const name of REVIEW_FIELDS) {
    const label = element("label", name);
    label.append(reviewInput(name, event));
    reviewForm.append(label);
  }
  const place = element("label", "place");
  const placeInput = element("input");
  Object.assign(placeInput, { name: "place", placeholder: event.location || "type a name" });
  const pick = element("button", "pick on map");
  pick.type = "button";
  pick.addEventListener("click", () => {
    statusBox.textContent = "click the map where the event happened";
    map.once("click", (click) => {
      pickedPoint = click.latlng;
      pick.textContent = `${pickedPoint.lat.toFixed(4)}, ${pickedPoint.lng.toFixed(4)}`;
    });
  });
  const placeBox = element("span", null, "place-box");
  placeBox.append(placeInput, pick);
  place.append(placeBox);
  reviewForm.append(place);
  const buttons = element("div", null, "review-buttons");
  const save = element("button", "Save corrections");
  save.type = "submit";
  buttons.append(save, statusButton("Confirm (c)", "confirmed"), statusButton("Reject (x)", "rejected"));
  reviewForm.append(buttons);
  reviewForm.addEventListener("submit", (submitted) => {
    submitted.preventDefault();
    saveCorrections(reviewForm).catch(showError);
  });
  section.append(reviewForm, auditList(reviews));
  return section;
}

function reviewInput(name, event) {
  if (name === "sub_event_type") {
    const select = element("select");
    select.name = name;
    for (const [eventType, subTypes] of Object.entries(taxonomy || {})) {
      const group = document.createElement("optgroup");
      group.label = eventType;
      for (const subType of subTypes) group.append(new Option(subType, subType, false, subType === event[name]));
      select.append(group);
    }
    if (!select.value) select.add(new Option(event[name], event[name], true, true));
    return select;
  }
  const input = element("input");
  input.name = name;
  input.type = name === "event_date" ? "date" : name === "fatalities" ? "number" : "text";
  if (name === "fatalities") input.min = "0";
  input.value = event[name] ?? "";
  return input;
}

function statusButton(text, status) {
  const button = element("button", text);
  button.type = "button";
  button.dataset.status = status;
  button.addEventListener("click", () => sendReview({ status }).catch(showError));
  return button;
}

function auditList(reviews) {
  const list = element("ol", null, "audit");
  for (const review of reviews) {
    const when = review.reviewed_at.slice(0, 16).replace("T", " ");
    list.append(element("li", `${when} ${review.reviewer}: ${review.field} ${JSON.stringify(review.before)} → ` +
                              `${JSON.stringify(review.after)}`));
  }
  return list;
}

function correctionsFrom(reviewForm) {
  const changes = {};
  for (const name of REVIEW_FIELDS) {
    const raw = reviewForm.elements[name].value.trim();
    const value = name === "fatalities" ? (raw === "" ? null : Number(raw)) : raw || null;
    if (value !== (currentEvent[name] ?? null)) changes[name] = value;
  }
  if (pickedPoint) {
    Object.assign(changes, { latitude: pickedPoint.lat, longitude: pickedPoint.lng, geo_precision: 1 });
  }
  const body = { changes };
  const place = reviewForm.elements.place.value.trim();
  if (place) body.place = place;
  return body;
}

async function saveCorrections(reviewForm) {
  await sendReview(correctionsFrom(reviewForm));
}

async function sendReview(body) {
  if (!currentEvent) return;
  const response = await fetch(`api/events/${currentEvent.id}`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${tokenInput.value.trim()}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const detail = (await response.json().catch(() => ({}))).detail;
    const message = Array.isArray(detail) ? detail.map((item) => `${item.loc.at(-1)}: ${item.msg}`).join("; ") : detail;
    throw new Error(`review not saved: ${message || `HTTP ${response.status}`}`);
  }
  pickedPoint = null;
  const reviewed = await response.json();
  await showEvent(reviewed.id);
  panel.dataset.saved = String(Date.now());
  loadEvents().catch(showError);
}

async function goToQueued(step) {
  if (reviewQueue === null || queueIndex + step < 0 || queueIndex + step >= reviewQueue.length) {
    const params = filterParams(true);
    params.set("review", "unreviewed");
    params.set("limit", "1000");
    reviewQueue = (await getJson(`api/events?${params}`)).events.map((event) => event.id);
    queueIndex = step > 0 ? -1 : reviewQueue.length;
  }
  queueIndex = Math.max(0, Math.min(reviewQueue.length - 1, queueIndex + step));
  if (!reviewQueue.length) {
    statusBox.textContent = "no unreviewed events under these filters";
    return;
  }
  await showEvent(reviewQueue[queueIndex]);
  if (currentEvent.latitude !== null) map.setView([currentEvent.latitude, currentEvent.longitude], Math.max(map.getZoom(), 11));
}

document.addEventListener("keydown", (pressed) => {
  if (pressed.target.closest("input, select, textarea") || pressed.ctrlKey || pressed.metaKey || pressed.altKey) return;
  const action = { n: () => goToQueued(1), p: () => goToQueued(-1),
                   c: () => sendReview({ status: "confirmed" }), x: () => sendReview({ status: "rejected" }) }[pressed.key];
  if (action) {
    pressed.preventDefault();
    action().catch(showError);
  }
});

// ---- timeline: events per day (or month, over long spans) for the filters other than dates ----

function dayNumber(isoDate) {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / 86400000);
}

function isoDay(day) {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

function bucketsOf(dayCounts) {
  if (!dayCounts.length) return [];
  const counts = new Map(dayCounts.map((day) => [dayNumber(day.date), day.count]));
  const first = Math.min(...counts.keys()) - 1;
  const last = Math.max(...counts.keys()) + 1;
  const buckets = [];
  if (last - first > 180) {
    const months = new Map();
    for (const day of dayCounts) {
      const month = day.date.slice(0, 7);
      months.set(month, (months.get(month) || 0) + day.count);
    }
    const keys = [...months.keys()].sort();
    for (let month = keys[0]; month <= keys[keys.length - 1]; month = nextMonth(month)) {
      buckets.push({ label: month, start: `${month}-01`, end: isoDay(dayNumber(nextMonth(month) + "-01") - 1),
                     count: months.get(month) || 0 });
    }
    return buckets;
  }
  for (let day = first; day <= last; day++) {
    buckets.push({ label: isoDay(day), start: isoDay(day), end: isoDay(day), count: counts.get(day) || 0 });
  }
  return buckets;
}

function nextMonth(month) {
  const [year, number] = month.split("-").map(Number);
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, "0")}`;
}

async function loadTimeline() {
  const timelineData = await getJson(`api/timeline?${filterParams(false)}`);
  timelineBuckets = bucketsOf(timelineData.days);
  const unit = timelineBuckets.length && timelineBuckets[0].label.length === 7 ? "month" : "day";
  document.getElementById("timeline-caption").textContent =
    `${timelineData.total} events per ${unit} — drag across the bars to choose dates, double-click for all dates`;
  drawTimeline();
}

function svgElement(tag, attributes) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function timelineGeometry() {
  const width = timeline.clientWidth || 600;
  const height = timeline.clientHeight || 70;
  const step = width / Math.max(timelineBuckets.length, 1);
  return { width, height, step, plotHeight: height - 14 };
}

function drawTimeline() {
  timeline.replaceChildren();
  const { height, step, plotHeight } = timelineGeometry();
  const highest = Math.max(1, ...timelineBuckets.map((bucket) => bucket.count));
  const labelEvery = Math.max(1, Math.ceil(timelineBuckets.length / 8));
  timelineBuckets.forEach((bucket, index) => {
    const barHeight = (bucket.count / highest) * plotHeight;
    const bar = svgElement("rect", {
      class: "bar", x: index * step + 1, y: plotHeight - barHeight,
      width: Math.max(step - 2, 1), height: barHeight,
      "data-start": bucket.start, "data-end": bucket.end,
    });
    bar.append(svgElement("title", {}));
    bar.firstChild.textContent = `${bucket.label}: ${bucket.count} events`;
    timeline.append(bar);
    if (index % labelEvery === 0) {
      const label = svgElement("text", { x: index * step + 2, y: height - 2 });
      label.textContent = bucket.label;
      timeline.append(label);
    }
  });
  drawTimelineSelection();
}

function drawTimelineSelection() {
  const start = form.elements.start.value;
  const end = form.elements.end.value;
  for (const bar of timeline.querySelectorAll(".bar")) {
    const inRange = (start || end) && (!start || bar.dataset.end >= start) && (!end || bar.dataset.start <= end);
    bar.classList.toggle("in-range", Boolean(inRange));
  }
}

function bucketIndexAt(clientX) {
  const { step } = timelineGeometry();
  const x = clientX - timeline.getBoundingClientRect().left;
  return Math.min(timelineBuckets.length - 1, Math.max(0, Math.floor(x / step)));
}

function enableBrushing() {
  let anchor = null;
  let brush = null;
  timeline.addEventListener("pointerdown", (event) => {
    if (!timelineBuckets.length) return;
    anchor = bucketIndexAt(event.clientX);
    timeline.setPointerCapture(event.pointerId);
    brush = svgElement("rect", { class: "brush", y: 0, height: timelineGeometry().plotHeight });
    timeline.append(brush);
    moveBrush(brush, anchor, anchor);
  });
  timeline.addEventListener("pointermove", (event) => {
    if (anchor !== null) moveBrush(brush, anchor, bucketIndexAt(event.clientX));
  });
  timeline.addEventListener("pointerup", (event) => {
    if (anchor === null) return;
    const [first, last] = [anchor, bucketIndexAt(event.clientX)].sort((a, b) => a - b);
    anchor = null;
    brush.remove();
    setDates(timelineBuckets[first].start, timelineBuckets[last].end);
  });
  timeline.addEventListener("dblclick", () => setDates("", ""));
}

function moveBrush(brush, from, to) {
  const { step } = timelineGeometry();
  const [first, last] = [from, to].sort((a, b) => a - b);
  brush.setAttribute("x", first * step);
  brush.setAttribute("width", (last - first + 1) * step);
}

function setDates(start, end) {
  form.elements.start.value = start;
  form.elements.end.value = end;
  loadEvents().catch(showError);
}

// ---- territory: who holds which place on a date ----

function actorColour(actor) {
  let hash = 0;
  for (const character of actor || "") hash = (hash * 31 + character.charCodeAt(0)) % 360;
  return `hsl(${hash}, 65%, 45%)`;
}

async function loadTerritory() {
  territoryLayer.clearLayers();
  if (!form.elements.territory.checked) return;
  const params = new URLSearchParams();
  if (form.elements.territory_date.value) params.set("date", form.elements.territory_date.value);
  if (form.elements.admin1.value) params.set("admin1", form.elements.admin1.value);
  const territory = await getJson(`api/territory?${params}`);
  for (const place of territory.places) {
    if (place.latitude === null || place.longitude === null) continue;
    const icon = L.divIcon({ className: "territory-marker", iconSize: [12, 12],
                             html: `<div style="border-color:${actorColour(place.actor)}"></div>` });
    L.marker([place.latitude, place.longitude], { icon, pane: "territory" })
      .bindTooltip(`${place.place}: ${place.actor} since ${place.since}`)
      .on("click", () => showEvent(place.event_id).catch(showError))
      .addTo(territoryLayer);
  }
}

// ---- wiring ----

function reloadAll() {
  Promise.all([loadEvents(), loadTimeline(), loadTerritory()]).catch(showError);
}

let typingTimer = null;
form.addEventListener("change", (event) => {
  const name = event.target.name;
  if (name === "start" || name === "end") loadEvents().catch(showError);
  else if (name === "territory" || name === "territory_date") loadTerritory().catch(showError);
  else if (name !== "actor") reloadAll();
  reviewQueue = null;
});
form.elements.actor.addEventListener("input", () => {
  clearTimeout(typingTimer);
  typingTimer = setTimeout(reloadAll, 300);
});
form.addEventListener("submit", (event) => event.preventDefault());
document.getElementById("all-dates").addEventListener("click", () => setDates("", ""));
window.addEventListener("resize", drawTimeline);

let moveTimer = null;
map.on("moveend", () => {
  clearTimeout(moveTimer);
  moveTimer = setTimeout(() => loadEvents().catch(showError), 150);
});

getJson("api/taxonomy").then((types) => { taxonomy = types; }).catch(showError);
addLegend();
enableBrushing();
loadBoundaries().catch(showError);
reloadAll();
