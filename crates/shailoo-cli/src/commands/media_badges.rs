//! The demo's journalists' badges (i16-badges, `shailoo demo`): the CEC registers journalists
//! of the accredited outlets and signs their badges with the demo's key (the one its audit
//! checkpoints use; a commission keeps a badge key of its own, `serve --badge-key`): two of
//! Тоо-Таш ТВ and two of Ысык-Көл FM, one badge revoked (lost). They are issued when the demo
//! is first served, after its outlets were decided, so Kenesh.kg, whose accreditation the demo
//! revokes, has none (a badge issued before a revocation counts as revoked with its outlet:
//! the store's contract tests show it).

use anyhow::{Context, Result};
use jiff::civil::{date, time};
use shailoo_app::Store;
use shailoo_app::media::{self, MediaStatus, Text};
use shailoo_app::signing::Signer;
use shailoo_app::users::{Actor, Role, Username};
use shailoo_domain::CommissionId;
use shailoo_domain::time::from_bishkek;

/// Issues the demo's badges for the demo's first election (its outlets must exist).
pub async fn load(store: &dyn Store, signer: &Signer) -> Result<()> {
    let election = store
        .elections()
        .await?
        .into_iter()
        .next()
        .context("the demo has no election")?
        .id;
    let cec = Actor::User {
        username: Username::parse("cec.admin")?,
        role: Role::CecAdmin,
        commission: CommissionId::parse("cec")?,
    };
    let outlets = store.media_outlets(&election, None).await?;
    let journalists: [(&str, &[&str]); 2] = [
        ("Тоо-Таш ТВ", &["Айгүл Өмүрбекова", "Нурлан Садыков"]),
        ("Ысык-Көл FM", &["Жылдыз Токтогулова", "Бакыт Ниязов"]),
    ];
    let issued_at = from_bishkek(date(2024, 10, 1), time(11, 0, 0, 0));
    let mut count = 0;
    for (outlet_name, names) in journalists {
        let Some(outlet) = outlets.iter().find(|o| o.name.as_str() == outlet_name) else {
            continue;
        };
        if outlet.status != MediaStatus::Accredited {
            continue;
        }
        for name in names {
            media::issue_badge(
                store,
                &cec,
                &election,
                outlet.id,
                Text::parse(name)?,
                Some(signer),
                issued_at,
            )
            .await
            .with_context(|| format!("issuing the demo badge of {name}"))?;
            count += 1;
        }
    }
    // Badge 4 (Бакыт Ниязов of Ысык-Көл FM) was lost.
    if let Some(id) = media::BadgeId::new(4) {
        media::revoke_badge(
            store,
            &cec,
            &election,
            id,
            Text::parse("Күбөлүк жоголду (утеряно)")?,
            from_bishkek(date(2024, 10, 10), time(9, 0, 0, 0)),
        )
        .await
        .context("revoking a demo badge")?;
    }
    println!("issued {count} journalists' badges (verify them at /media/badges/verify)");
    Ok(())
}
