//! The voter cabinet's adapters (passport registry, SMS gateway) against their doubles.

use super::loopback;
use shailoo_app::cabinet::{
    NotConfirmedReason, PassportRegistry, PassportVerdict, RegistryError, SmsError, SmsGateway,
};
use shailoo_domain::Pin;
use shailoo_domain::identity::{Msisdn, PassportNumber};
use shailoo_registries::doubles::{RegistryDouble, RegistryRecord, SmsDouble, demo_record};
use shailoo_registries::tunduk::DEFAULT_SERVICE;
use shailoo_registries::{
    KannelConfig, KannelGateway, TundukConfig, TundukRegistry, XRoadClientId, XRoadServiceId,
};
use std::time::Duration;

const PIN: &str = "20101199000123";

fn tunduk(url: &str, timeout: Duration) -> TundukRegistry {
    TundukRegistry::new(TundukConfig {
        security_server: url.to_owned(),
        client: XRoadClientId::parse("KG/GOV/70000001/shailoo").unwrap(),
        service: XRoadServiceId::parse(DEFAULT_SERVICE).unwrap(),
        timeout,
    })
    .unwrap()
}

#[tokio::test]
async fn tunduk_confirms_the_holder_and_names_the_phone() {
    let double = RegistryDouble::new(DEFAULT_SERVICE);
    let pin = Pin::parse(PIN).unwrap();
    let passport = PassportNumber::parse("ID1234567").unwrap();
    let phone = Msisdn::parse("0555124567").unwrap();
    double.insert(pin, RegistryRecord::valid(passport, Some(phone)));
    let expired = Pin::parse("10202198500045").unwrap();
    double.insert(
        expired,
        RegistryRecord {
            passport: PassportNumber::parse("AN7654321").unwrap(),
            status: "EXPIRED",
            phone: None,
        },
    );
    let running = double.serve(loopback()).await.unwrap();
    let registry = tunduk(&running.url(), Duration::from_secs(5));

    assert_eq!(
        registry.check(&pin, &passport).await,
        Ok(PassportVerdict::Confirmed { phone: Some(phone) })
    );
    assert_eq!(
        registry
            .check(&pin, &PassportNumber::parse("ID7654321").unwrap())
            .await,
        Ok(PassportVerdict::NotConfirmed(
            NotConfirmedReason::NotTheHolder
        ))
    );
    assert_eq!(
        registry
            .check(&Pin::parse("20202199000999").unwrap(), &passport)
            .await,
        Ok(PassportVerdict::NotConfirmed(
            NotConfirmedReason::UnknownPin
        ))
    );
    assert_eq!(
        registry
            .check(&expired, &PassportNumber::parse("AN7654321").unwrap())
            .await,
        Ok(PassportVerdict::NotConfirmed(
            NotConfirmedReason::DocumentInvalid
        ))
    );
    assert_eq!(double.requests(), 4);
}

#[tokio::test]
async fn tunduk_outages_and_timeouts_are_errors_not_verdicts() {
    let double = RegistryDouble::new(DEFAULT_SERVICE);
    let pin = Pin::parse(PIN).unwrap();
    let passport = PassportNumber::parse("ID1234567").unwrap();
    double.insert(pin, RegistryRecord::valid(passport, None));
    let running = double.serve(loopback()).await.unwrap();
    let registry = tunduk(&running.url(), Duration::from_millis(500));

    double.set_available(false);
    assert!(matches!(
        registry.check(&pin, &passport).await,
        Err(RegistryError::Unavailable(kind)) if kind == "Server.ServerProxy.NetworkError"
    ));
    double.set_available(true);
    double.set_delay(Duration::from_secs(2));
    assert_eq!(
        registry.check(&pin, &passport).await,
        Err(RegistryError::Timeout)
    );
    double.set_delay(Duration::ZERO);
    assert_eq!(
        registry.check(&pin, &passport).await,
        Ok(PassportVerdict::Confirmed { phone: None })
    );
    // Nobody listening at all.
    let addr = running.addr();
    drop(running);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let gone = tunduk(&format!("http://{addr}"), Duration::from_millis(500));
    assert!(matches!(
        gone.check(&pin, &passport).await,
        Err(RegistryError::Unavailable(_) | RegistryError::Timeout)
    ));
}

#[tokio::test]
async fn the_registry_double_insists_on_the_x_road_client_header() {
    let double = RegistryDouble::new(DEFAULT_SERVICE);
    let running = double.serve(loopback()).await.unwrap();
    let url = format!(
        "{}/r1/{DEFAULT_SERVICE}/persons/{PIN}/documents/ID1234567",
        running.url()
    );
    let response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["X-Road-Error"].to_str().unwrap(),
        "Client.BadRequest"
    );
}

fn kannel(url: &str, password: &str) -> KannelGateway {
    KannelGateway::new(KannelConfig {
        url: url.to_owned(),
        username: "shailoo".to_owned(),
        password: password.to_owned(),
        from: "SHAILOO".to_owned(),
        timeout: Duration::from_secs(5),
    })
    .unwrap()
}

#[tokio::test]
async fn kannel_sends_in_ucs2_and_the_outbox_shows_it() {
    let double = SmsDouble::new("shailoo", "s3cret");
    let running = double.serve(loopback()).await.unwrap();
    let phone = Msisdn::parse("+996 700 000 123").unwrap();
    kannel(&running.url(), "s3cret")
        .send(&phone, "Код 123456: Өзүңүз")
        .await
        .unwrap();
    let outbox: serde_json::Value = reqwest::get(format!("{}/outbox", running.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(outbox[0]["to"], "+996700000123");
    assert_eq!(outbox[0]["text"], "Код 123456: Өзүңүз");
    assert_eq!(outbox[0]["coding"], "2");
    assert_eq!(outbox[0]["charset"], "UTF-8");
    assert_eq!(outbox[0]["from"], "SHAILOO");

    assert!(matches!(
        kannel(&running.url(), "wrong").send(&phone, "x").await,
        Err(SmsError::Rejected(_))
    ));
    double.set_available(false);
    assert!(matches!(
        kannel(&running.url(), "s3cret").send(&phone, "x").await,
        Err(SmsError::Unavailable(_))
    ));
    assert_eq!(double.outbox().len(), 1);
}

#[test]
fn demo_records_derive_passport_and_phone_from_the_pin() {
    let record = demo_record(&Pin::parse(PIN).unwrap()).unwrap();
    assert_eq!(record.passport.as_str(), "ID9000123");
    assert_eq!(record.phone.unwrap().e164(), "+996700000123");
    assert_eq!(record.status, "VALID");
}
