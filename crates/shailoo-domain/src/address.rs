//! A polling station's address as voters read it (участоктун дареги / адрес участка): the
//! street address with the settlement it stands in, named so that it cannot be taken for
//! another one of the same name.
//!
//! A station's record holds the street, the house and the building, sometimes after the name
//! of its settlement ("мкр. Центр, ул. Абая, 119"). That is not an address a voter can find:
//! Osh and Bishkek both have a "Центр", and a village name like "Кара-Ой" recurs in one raion.
//! [`StationAddress`] puts the record together with the territory chain the station stands
//! in: the city for a city's quarter; the aiyl aimak and the raion for a village. Every place
//! an address is shown (the look-up page and API, SMS 119, the voter cabinet) renders it from
//! here, so that they all say the same.
//!
//! An SMS has little room, so the address comes in [`AddressForm`]s, the steps of one
//! shortening rule: abbreviate the unit words first, then leave out the aiyl aimak, then the
//! raion. The settlement (and its city) is never left out, and no word is ever cut.

use crate::ids::TerritoryId;
use crate::territory::{LocalizedName, Territory, TerritoryKind};

/// The territory `id` and its ancestors, itself first, as `find` resolves them. Stops at a
/// missing parent, and after 16 levels should the chain loop (a checked setup has neither).
pub fn territory_chain<'a>(
    id: &TerritoryId,
    find: impl Fn(&TerritoryId) -> Option<&'a Territory>,
) -> Vec<&'a Territory> {
    let mut chain = Vec::new();
    let mut next = find(id);
    while let Some(t) = next {
        chain.push(t);
        if chain.len() == 16 {
            break;
        }
        next = t.parent.as_ref().and_then(&find);
    }
    chain
}

/// How much of an address to write out: the steps of the shortening rule, longest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressForm {
    /// Every unit under its full name.
    Full,
    /// The unit words abbreviated as postal addresses do: "г.", "с.", "а/а", "р-н" in
    /// Russian, "ш.", "а.", "а/а", "р-ну" in Kyrgyz. English names stay whole (no SMS is
    /// sent in English).
    Abbreviated,
    /// Abbreviated, without the aiyl aimak.
    WithoutAiylAimak,
    /// Abbreviated, without the aiyl aimak and the raion: the settlement (with its city, for
    /// a city's quarter) and the street.
    Settlement,
}

impl AddressForm {
    /// Every form, longest first.
    pub const ALL: [AddressForm; 4] = [
        AddressForm::Full,
        AddressForm::Abbreviated,
        AddressForm::WithoutAiylAimak,
        AddressForm::Settlement,
    ];

    fn keeps(self, kind: TerritoryKind) -> bool {
        match kind {
            TerritoryKind::AiylAimak => {
                matches!(self, AddressForm::Full | AddressForm::Abbreviated)
            }
            TerritoryKind::Raion | TerritoryKind::Region => self != AddressForm::Settlement,
            TerritoryKind::RepublicanCity | TerritoryKind::City | TerritoryKind::Settlement => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Unit {
    kind: TerritoryKind,
    name: LocalizedName,
}

/// A station's full address: the units naming its settlement, largest first, and the street
/// address. Built once per station; [`StationAddress::get`] borrows the full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationAddress {
    /// The raion, aiyl aimak and village, or the city and its quarter.
    units: Vec<Unit>,
    /// Street, house and building, without the names of `units`.
    street: LocalizedName,
    /// Everything, every unit under its full name.
    full: LocalizedName,
}

impl StationAddress {
    /// The address of a station whose record says `address` and which stands in the first
    /// territory of `chain` (then its parent, up to the top; [`territory_chain`]).
    ///
    /// The units named are the territories up to the first city or raion: the region is left
    /// out, the raion names a village unambiguously with its aiyl aimak. Where the record
    /// already starts or ends with a unit's name, it is not repeated.
    pub fn new<'a>(
        address: &LocalizedName,
        chain: impl IntoIterator<Item = &'a Territory>,
    ) -> StationAddress {
        let mut units = Vec::new();
        for t in chain {
            if t.kind == TerritoryKind::Region {
                break;
            }
            units.push(Unit {
                kind: t.kind,
                name: t.name.clone(),
            });
            if matches!(
                t.kind,
                TerritoryKind::Raion | TerritoryKind::City | TerritoryKind::RepublicanCity
            ) {
                break;
            }
        }
        units.reverse();
        let street = LocalizedName {
            ky: without_units(&address.ky, &units, "ky"),
            ru: without_units(&address.ru, &units, "ru"),
            en: without_units(&address.en, &units, "en"),
        };
        let mut this = StationAddress {
            units,
            street,
            full: LocalizedName {
                ky: String::new(),
                ru: String::new(),
                en: String::new(),
            },
        };
        this.full = LocalizedName {
            ky: this.render("ky", AddressForm::Full),
            ru: this.render("ru", AddressForm::Full),
            en: this.render("en", AddressForm::Full),
        };
        this
    }

    /// The full address in a language code (`ky`, `ru`, `en`; Kyrgyz for anything else).
    pub fn get(&self, lang: &str) -> &str {
        self.full.get(lang)
    }

    /// The full address in the three languages.
    pub fn full(&self) -> &LocalizedName {
        &self.full
    }

    /// The address in `lang`, as much of it as `form` keeps. Kyrgyz and Russian go from the
    /// largest unit to the street, English from the street to the largest unit.
    pub fn render(&self, lang: &str, form: AddressForm) -> String {
        let place = self.place(lang, form);
        let street = self.street.get(lang);
        match (place.is_empty(), street.is_empty()) {
            (true, _) => street.to_owned(),
            (false, true) => place,
            (false, false) if lang == "en" => format!("{street}, {place}"),
            (false, false) => format!("{place}, {street}"),
        }
    }

    /// The units alone (the settlement and what tells it apart), as `form` keeps them, in the
    /// order of [`StationAddress::render`].
    pub fn place(&self, lang: &str, form: AddressForm) -> String {
        let mut units: Vec<String> = self
            .units
            .iter()
            .filter(|u| form.keeps(u.kind))
            .map(|u| {
                let name = u.name.get(lang);
                if form == AddressForm::Full {
                    name.to_owned()
                } else {
                    abbreviate(u.kind, name, lang)
                }
            })
            .collect();
        if lang == "en" {
            units.reverse();
        }
        units.join(", ")
    }
}

/// `address` without the unit names it starts or ends with, compared by whole comma-separated
/// parts; a part names a unit under its full, abbreviated or bare name
/// ("город Ош", "г. Ош", "Ош").
fn without_units(address: &str, units: &[Unit], lang: &str) -> String {
    let mut parts: Vec<&str> = address
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let is_unit = |p: &str| {
        units.iter().any(|u| {
            let name = u.name.get(lang);
            p == name
                || kind_word(u.kind, name, lang)
                    .is_some_and(|w| p == w.bare || p == w.abbreviated())
        })
    };
    while parts.last().is_some_and(|p| is_unit(p)) {
        parts.pop();
    }
    let skip = parts.iter().take_while(|p| is_unit(p)).count();
    parts.drain(..skip);
    parts.join(", ")
}

/// A unit's name split into its bare name and its kind word ("город" + "Ош").
struct KindWord<'a> {
    bare: &'a str,
    /// The kind word's abbreviation.
    short: &'static str,
    /// Whether the kind word comes first.
    prefix: bool,
}

impl KindWord<'_> {
    fn abbreviated(&self) -> String {
        if self.prefix {
            format!("{} {}", self.short, self.bare)
        } else {
            format!("{} {}", self.bare, self.short)
        }
    }
}

/// The kind word the name of a unit of `kind` carries in `lang`, with its usual abbreviation.
fn kind_word<'a>(kind: TerritoryKind, name: &'a str, lang: &str) -> Option<KindWord<'a>> {
    use TerritoryKind as K;
    // (whether the word comes first, the word, its abbreviation)
    let rules: &[(bool, &str, &'static str)] = match (lang, kind) {
        ("ru", K::RepublicanCity | K::City) => &[(true, "город", "г.")],
        ("ru", K::Settlement) => &[
            (true, "село", "с."),
            (true, "посёлок", "п."),
            (true, "поселок", "п."),
            (true, "микрорайон", "мкр."),
        ],
        ("ru", K::AiylAimak) => &[
            (true, "айыльный аймак", "а/а"),
            (false, "айыльный аймак", "а/а"),
        ],
        ("ru", K::Raion) => &[(false, "район", "р-н")],
        ("ru", K::Region) => &[(false, "область", "обл.")],
        ("ky", K::RepublicanCity | K::City) => &[(false, "шаары", "ш.")],
        ("ky", K::Settlement) => &[(false, "айылы", "а.")],
        ("ky", K::AiylAimak) => &[(false, "айыл аймагы", "а/а")],
        ("ky", K::Raion) => &[(false, "району", "р-ну")],
        ("ky", K::Region) => &[(false, "облусу", "обл.")],
        // English names stay whole: the "abbreviation" is the word itself.
        ("en", K::RepublicanCity | K::City) => &[(false, "City", "City")],
        ("en", K::Settlement) => &[(false, "village", "village")],
        ("en", K::AiylAimak) => &[(false, "Aiyl Aimak", "Aiyl Aimak")],
        ("en", K::Raion) => &[(false, "District", "District")],
        ("en", K::Region) => &[(false, "Region", "Region")],
        _ => &[],
    };
    rules.iter().find_map(|&(prefix, word, short)| {
        let bare = if prefix {
            name.strip_prefix(word)?.strip_prefix(' ')?
        } else {
            name.strip_suffix(word)?.strip_suffix(' ')?
        };
        Some(KindWord {
            bare,
            short,
            prefix,
        })
    })
}

/// A unit's name with its kind word abbreviated, where the name carries the usual one.
fn abbreviate(kind: TerritoryKind, name: &str, lang: &str) -> String {
    kind_word(kind, name, lang).map_or_else(|| name.to_owned(), |w| w.abbreviated())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(ky: &str, ru: &str, en: &str) -> LocalizedName {
        LocalizedName {
            ky: ky.into(),
            ru: ru.into(),
            en: en.into(),
        }
    }

    fn territory(
        id: &str,
        kind: TerritoryKind,
        parent: Option<&str>,
        n: LocalizedName,
    ) -> Territory {
        Territory {
            id: TerritoryId::parse(id).expect("id"),
            kind,
            name: n,
            parent: parent.map(|p| TerritoryId::parse(p).expect("id")),
        }
    }

    /// Osh and its quarter "Centre"; the Kadamjai raion of Batken region, its aiyl aimak
    /// Ak-Jol and the village Kara-Oi in it.
    fn territories() -> Vec<Territory> {
        use TerritoryKind as K;
        vec![
            territory(
                "osh",
                K::RepublicanCity,
                None,
                name("Ош шаары", "город Ош", "Osh City"),
            ),
            territory(
                "osh.centre",
                K::Settlement,
                Some("osh"),
                name("Борбор", "мкр. Центр", "Centre"),
            ),
            territory(
                "batken",
                K::Region,
                None,
                name("Баткен облусу", "Баткенская область", "Batken Region"),
            ),
            territory(
                "batken-kadamjai",
                K::Raion,
                Some("batken"),
                name("Кадамжай району", "Кадамжайский район", "Kadamjai District"),
            ),
            territory(
                "batken-kadamjai.ak-jol",
                K::AiylAimak,
                Some("batken-kadamjai"),
                name(
                    "Ак-Жол айыл аймагы",
                    "айыльный аймак Ак-Жол",
                    "Ak-Jol Aiyl Aimak",
                ),
            ),
            territory(
                "batken-kadamjai.ak-jol.kara-oi",
                K::Settlement,
                Some("batken-kadamjai.ak-jol"),
                name("Кара-Ой айылы", "село Кара-Ой", "Kara-Oi village"),
            ),
        ]
    }

    fn address_in(id: &str, address: LocalizedName) -> StationAddress {
        let all = territories();
        let id = TerritoryId::parse(id).expect("id");
        let chain = territory_chain(&id, |t| all.iter().find(|x| &x.id == t));
        StationAddress::new(&address, chain)
    }

    #[test]
    fn a_station_in_osh_names_the_city_before_its_quarter() {
        let a = address_in(
            "osh.centre",
            name(
                "Борбор, Абай көчөсү, 119, №2 бала бакча",
                "мкр. Центр, ул. Абая, 119, детский сад №2",
                "Kindergarten No. 2, 119 Abai St, Centre",
            ),
        );
        assert_eq!(
            a.get("ru"),
            "город Ош, мкр. Центр, ул. Абая, 119, детский сад №2"
        );
        assert_eq!(
            a.get("ky"),
            "Ош шаары, Борбор, Абай көчөсү, 119, №2 бала бакча"
        );
        assert_eq!(
            a.get("en"),
            "Kindergarten No. 2, 119 Abai St, Centre, Osh City"
        );
        assert_eq!(a.place("ru", AddressForm::Settlement), "г. Ош, мкр. Центр");
        // Shortened, the city stays: it is the settlement.
        assert_eq!(
            a.render("ru", AddressForm::Settlement),
            "г. Ош, мкр. Центр, ул. Абая, 119, детский сад №2"
        );
        assert_eq!(
            a.render("ky", AddressForm::Settlement),
            "Ош ш., Борбор, Абай көчөсү, 119, №2 бала бакча"
        );
    }

    #[test]
    fn a_village_station_names_its_aiyl_aimak_and_raion_until_shortened() {
        let a = address_in(
            "batken-kadamjai.ak-jol.kara-oi",
            name(
                "Кара-Ой айылы, Ленин көчөсү, 12, №3 орто мектеби",
                "село Кара-Ой, ул. Ленина, 12, средняя школа №3",
                "Secondary School No. 3, 12 Lenin St, Kara-Oi village",
            ),
        );
        assert_eq!(
            a.get("ru"),
            "Кадамжайский район, айыльный аймак Ак-Жол, село Кара-Ой, ул. Ленина, 12, средняя школа №3"
        );
        assert_eq!(
            a.get("ky"),
            "Кадамжай району, Ак-Жол айыл аймагы, Кара-Ой айылы, Ленин көчөсү, 12, №3 орто мектеби"
        );
        assert_eq!(
            a.get("en"),
            "Secondary School No. 3, 12 Lenin St, Kara-Oi village, Ak-Jol Aiyl Aimak, Kadamjai District"
        );
        let ru: Vec<String> = AddressForm::ALL
            .iter()
            .map(|f| a.render("ru", *f))
            .collect();
        assert_eq!(
            ru,
            [
                "Кадамжайский район, айыльный аймак Ак-Жол, село Кара-Ой, ул. Ленина, 12, средняя школа №3",
                "Кадамжайский р-н, а/а Ак-Жол, с. Кара-Ой, ул. Ленина, 12, средняя школа №3",
                "Кадамжайский р-н, с. Кара-Ой, ул. Ленина, 12, средняя школа №3",
                "с. Кара-Ой, ул. Ленина, 12, средняя школа №3",
            ]
        );
        assert_eq!(
            a.render("ky", AddressForm::Abbreviated),
            "Кадамжай р-ну, Ак-Жол а/а, Кара-Ой а., Ленин көчөсү, 12, №3 орто мектеби"
        );
        // Every form is shorter than or as long as the one before.
        for lang in ["ky", "ru", "en"] {
            let lengths: Vec<usize> = AddressForm::ALL
                .iter()
                .map(|f| a.render(lang, *f).chars().count())
                .collect();
            assert!(
                lengths.windows(2).all(|w| w[0] >= w[1]),
                "{lang}: {lengths:?}"
            );
        }
    }

    #[test]
    fn a_record_without_the_settlement_gets_it_and_one_with_the_city_keeps_it_once() {
        let bare = address_in(
            "batken-kadamjai.ak-jol.kara-oi",
            name("Ленин көчөсү, 12", "ул. Ленина, 12", "12 Lenin St"),
        );
        assert_eq!(
            bare.render("ru", AddressForm::Settlement),
            "с. Кара-Ой, ул. Ленина, 12"
        );
        assert_eq!(
            bare.render("en", AddressForm::Settlement),
            "12 Lenin St, Kara-Oi village"
        );
        let with_city = address_in(
            "osh.centre",
            name(
                "Ош шаары, Борбор, Абай көчөсү, 1",
                "город Ош, мкр. Центр, ул. Абая, 1",
                "1 Abai St, Centre, Osh City",
            ),
        );
        assert_eq!(with_city.get("ru"), "город Ош, мкр. Центр, ул. Абая, 1");
        assert_eq!(with_city.get("en"), "1 Abai St, Centre, Osh City");
        // Under its abbreviated or bare name too.
        for record in ["г. Ош, мкр. Центр, ул. Абая, 1", "Ош, ул. Абая, 1"]
        {
            let a = address_in("osh.centre", name("", record, ""));
            assert_eq!(
                a.render("ru", AddressForm::Abbreviated),
                "г. Ош, мкр. Центр, ул. Абая, 1"
            );
        }
    }

    #[test]
    fn without_a_known_territory_the_record_is_the_address() {
        let a = StationAddress::new(&name("Абай көчөсү, 1", "ул. Абая, 1", "1 Abai St"), []);
        assert_eq!(a.get("ru"), "ул. Абая, 1");
        assert_eq!(a.render("ky", AddressForm::Settlement), "Абай көчөсү, 1");
    }

    #[test]
    fn a_looping_chain_ends() {
        let mut t = territories().remove(0);
        t.parent = Some(t.id.clone());
        let chain = territory_chain(&t.id, |_| Some(&t));
        assert_eq!(chain.len(), 16);
    }
}
