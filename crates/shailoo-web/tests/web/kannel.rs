//! SMS through a real Kannel: bearerbox, smsbox and `fakesmsc`, the phone side of Kannel's fake
//! SMSC (Debian packages `kannel` and `kannel-extras`), run as child processes with the
//! configuration of `docs/kannel.conf` on free ports.
//!
//! A message from the phone goes fakesmsc → bearerbox → smsbox → `GET /sms/119` of the look-up
//! fixture served on a loopback port, and the reply comes back the same way to fakesmsc, which
//! prints it as it arrived: the test decodes it as a phone would (UCS-2, concatenated segments).
//! The cabinet's one-time code goes `KannelGateway` → smsbox's `sendsms` → fakesmsc.
//!
//! Without the Kannel binaries the tests print a notice and pass, unless `CI` is set: CI
//! installs them (`scripts/test`), so there a missing binary is a failure.

use crate::cabinet::{Browser, PASSPORT, PHONE, SMS_PASSWORD, VOTER, cabinet_over_kannel};
use crate::lookup::{HOME_PIN, VILLAGE_PIN, extras, full_address, lookup_app, serve};
use shailoo_app::cabinet::{OneTimeCode, code_text};
use shailoo_web::sms::{SMS_MAX_CHARS, sms_len, station_reply_with};
use shailoo_web::{Lang, LookupConfig};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio::time::Instant;

/// The configuration this test runs, as the documentation gives it.
const DOCUMENTED: &str = include_str!("../../../../docs/kannel.conf");

/// How long any one step (a box starting, a reply arriving) may take.
const STEP: Duration = Duration::from_secs(15);

/// The gateway token shailoo and Kannel's `get-url` share.
const TOKEN: &str = "kannel-test-token";

#[tokio::test]
async fn sms_119_through_a_real_kannel_arrives_in_kyrgyz_and_russian() {
    let Some(bins) = Binaries::find() else { return };
    let app = lookup_app(LookupConfig {
        sms_gateway_token: Some(TOKEN.into()),
        ..LookupConfig::default()
    })
    .await;
    let (base, _stop) = serve(&app).await;
    let kannel = Kannel::start(bins, &base).await;
    let home = app.home();
    let home_address = full_address(&app.data, home);

    // "РУ" typed in Cyrillic: the phone sends the message in UCS-2.
    let sms = kannel
        .exchange(&Mo::ucs2("996555000101", &format!("РУ {HOME_PIN}")))
        .await;
    sms.expect(&station_reply_with(
        Lang::Ru,
        home.number.get(),
        &home_address,
        false,
        &extras(&app.data, home),
    ));
    assert!(
        sms.text.starts_with(&format!(
            "Избирательный участок №{}: город Бишкек, мкр. ",
            home.number
        )),
        "{}",
        sms.text
    );
    assert_eq!(
        (sms.from.as_str(), sms.to.as_str()),
        ("119", "996555000101")
    );
    sms.assert_ucs2_segments();
    // The sender keeps Russian without the keyword.
    let again = kannel.exchange(&Mo::text("996555000101", HOME_PIN)).await;
    again.expect(&sms.text);

    // Kyrgyz, the default, for a village station: Ө, Ү and Ң arrive as such.
    let village = app.village();
    let sms = kannel
        .exchange(&Mo::text("996555000102", VILLAGE_PIN))
        .await;
    sms.expect(&station_reply_with(
        Lang::Ky,
        village.number.get(),
        &full_address(&app.data, village),
        false,
        &extras(&app.data, village),
    ));
    for letter in ['ө', 'ү', 'ң'] {
        assert!(sms.text.contains(letter), "{letter} in {}", sms.text);
    }
    sms.assert_ucs2_segments();

    // A Latin "RU" from another phone; then a bare keyword gets the help, in one segment.
    let sms = kannel
        .exchange(&Mo::text("996555000103", &format!("RU {HOME_PIN}")))
        .await;
    sms.expect(&station_reply_with(
        Lang::Ru,
        home.number.get(),
        &home_address,
        false,
        &extras(&app.data, home),
    ));
    let help = kannel.exchange(&Mo::text("996555000102", "KY")).await;
    help.expect(&Lang::Ky.t("sms-help"));
    assert!(help.text.contains('ң'), "{}", help.text);
    help.assert_ucs2_segments();
}

#[tokio::test]
async fn the_cabinet_code_through_a_real_kannel_arrives_intact() {
    let Some(bins) = Binaries::find() else { return };
    // No look-up here: smsbox's `get-url` is never called.
    let kannel = Kannel::start(bins, "http://127.0.0.1:9").await;
    let phone = kannel.phone(None).await;
    let c = cabinet_over_kannel(&kannel.sendsms_url).await;
    let browser = Browser::new(&c);
    let page = browser.ask_code(VOTER, PASSPORT).await;
    assert_eq!(page.status, 200, "{}", page.body);

    let sms = phone.receive().await;
    assert_eq!((sms.from.as_str(), sms.to.as_str()), ("SHAILOO", PHONE));
    let code = sms
        .text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("a six-digit code in {:?}", sms.text));
    sms.expect(&code_text(&OneTimeCode::parse(code).expect("a code")));
    sms.assert_ucs2_segments();
    assert_eq!(sms.segments.len(), 1, "one segment");
    // The code as the phone shows it signs the voter in.
    let signed_in = browser.send_code(&page, code).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
}

// ---------------------------------------------------------------------------------------------
// Kannel as child processes

struct Binaries {
    bearerbox: PathBuf,
    smsbox: PathBuf,
    fakesmsc: PathBuf,
}

impl Binaries {
    /// Kannel's binaries in `PATH`, `/usr/sbin` (the boxes) or Kannel's test-programs directory
    /// (fakesmsc); `None` with a notice when missing, a panic when `CI` is set.
    fn find() -> Option<Binaries> {
        let find = |name: &str, dir: &str| {
            std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
                .unwrap_or_default()
                .into_iter()
                .chain([PathBuf::from(dir)])
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        };
        let found = (
            find("bearerbox", "/usr/sbin"),
            find("smsbox", "/usr/sbin"),
            find("fakesmsc", "/usr/lib/kannel/test"),
        );
        if let (Some(bearerbox), Some(smsbox), Some(fakesmsc)) = found {
            return Some(Binaries {
                bearerbox,
                smsbox,
                fakesmsc,
            });
        }
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but Kannel is missing (bearerbox, smsbox, fakesmsc): \
             apt-get install kannel kannel-extras (scripts/test does)"
        );
        eprintln!(
            "notice: Kannel is not installed (apt-get install kannel kannel-extras); skipping \
             the real-Kannel SMS test"
        );
        None
    }
}

/// What a child process printed, line by line, as it arrives.
#[derive(Clone)]
struct Output {
    name: String,
    lines: Arc<Mutex<Vec<String>>>,
    count: watch::Receiver<usize>,
}

impl Output {
    fn capture(name: &str, stream: impl AsyncRead + Unpin + Send + 'static) -> Output {
        let (tx, count) = watch::channel(0);
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stream);
            let mut buf = Vec::new();
            while reader.read_until(b'\n', &mut buf).await.unwrap_or(0) > 0 {
                let line = String::from_utf8_lossy(&buf).trim_end().to_owned();
                sink.lock().unwrap().push(line);
                tx.send_modify(|n| *n += 1);
                buf.clear();
            }
        });
        Output {
            name: name.to_owned(),
            lines,
            count,
        }
    }

    /// Waits for `found` to find what it looks for in the lines so far, for [`STEP`] at most.
    async fn wait_for<T>(&self, what: &str, found: impl Fn(&[String]) -> Option<T>) -> T {
        let mut count = self.count.clone();
        let deadline = Instant::now() + STEP;
        loop {
            if let Some(t) = found(&self.lines.lock().unwrap()) {
                return t;
            }
            match tokio::time::timeout_at(deadline, count.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => {
                    if let Some(t) = found(&self.lines.lock().unwrap()) {
                        return t;
                    }
                    panic!("{} ended before {what}:\n{}", self.name, self.text());
                }
                Err(_) => panic!(
                    "{} printed no {what} within {STEP:?}:\n{}",
                    self.name,
                    self.text()
                ),
            }
        }
    }

    async fn wait_for_line(&self, what: &str) {
        self.wait_for(what, |lines| {
            lines.iter().any(|l| l.contains(what)).then_some(())
        })
        .await;
    }

    fn text(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }
}

/// A child process, killed when dropped (also when a test panics).
struct Process {
    child: Child,
    out: Output,
}

/// Kills and reaps the process there and then: the runtime that would reap it in the
/// background may be gone a moment later.
impl Drop for Process {
    fn drop(&mut self) {
        if self.child.start_kill().is_ok() {
            for _ in 0..200 {
                if !matches!(self.child.try_wait(), Ok(None)) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

impl Process {
    fn spawn(program: &Path, args: &[&str], dir: &Path) -> Process {
        let name = program
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let mut child = Command::new(program)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", program.display()));
        let stderr = child.stderr.take().expect("piped stderr");
        Process {
            out: Output::capture(&name, stderr),
            child,
        }
    }
}

/// bearerbox and smsbox, running; fakesmsc is started per exchange ([`Kannel::phone`]).
struct Kannel {
    bins: Binaries,
    smsc_port: u16,
    sendsms_url: String,
    bearerbox: Process,
    smsbox: Process,
    dir: TempDir,
}

/// A free loopback port (free when asked; nothing else on this machine races for it in a test).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `text` with `from` replaced by `to`, which must be there: the test runs what the
/// documentation says, so a documentation without it is a failure here.
fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "docs/kannel.conf no longer has {from:?}"
    );
    text.replace(from, to)
}

impl Kannel {
    /// Starts bearerbox and smsbox on `docs/kannel.conf` with free ports, `get-url` pointing
    /// at `shailoo` (a base URL), and a fake SMSC instead of the operator's; waits until
    /// smsbox is connected.
    async fn start(bins: Binaries, shailoo: &str) -> Kannel {
        let dir = tempfile::tempdir().expect("tempdir");
        let (admin, boxes, sendsms, smsc) = (free_port(), free_port(), free_port(), free_port());
        let mut conf = DOCUMENTED.to_owned();
        for (from, to) in [
            ("13000", admin.to_string()),
            ("13001", boxes.to_string()),
            ("13013", sendsms.to_string()),
            ("http://127.0.0.1:8080", shailoo.to_owned()),
            ("GATEWAY-TOKEN", TOKEN.to_owned()),
            ("SMS-PASSWORD", SMS_PASSWORD.to_owned()),
            ("ADMIN-PASSWORD", "kannel-test-admin".to_owned()),
        ] {
            conf = replace(&conf, from, &to);
        }
        conf.push_str(&format!(
            "\ngroup = smsc\nsmsc = fake\nsmsc-id = fake\nport = {smsc}\n\
             connect-allow-ip = 127.0.0.1\n"
        ));
        let path = dir.path().join("kannel.conf");
        std::fs::write(&path, conf).expect("write kannel.conf");
        let path = path.to_string_lossy().into_owned();

        let bearerbox = Process::spawn(&bins.bearerbox, &["-v", "1", &path], dir.path());
        bearerbox.out.wait_for_line("Start-up done").await;
        let smsbox = Process::spawn(&bins.smsbox, &["-v", "1", &path], dir.path());
        smsbox.out.wait_for_line("Connected to bearerbox").await;
        Kannel {
            bins,
            smsc_port: smsc,
            sendsms_url: format!("http://127.0.0.1:{sendsms}"),
            bearerbox,
            smsbox,
            dir,
        }
    }

    /// A phone on the fake SMSC: fakesmsc sending `mo` (if any), then printing what arrives.
    async fn phone(&self, mo: Option<&Mo>) -> Phone {
        let port = self.smsc_port.to_string();
        let mut args = vec!["-H", "127.0.0.1", "-r", &port, "-i", "0"];
        match mo {
            Some(mo) => args.extend(["-m", "1", &mo.0]),
            // Nothing to send; the message is required all the same.
            None => args.extend(["-m", "0", "0 0 text -"]),
        }
        let process = Process::spawn(&self.bins.fakesmsc, &args, self.dir.path());
        process.out.wait_for_line("fakesmsc starting").await;
        Phone { process }
    }

    /// Sends `mo` from a phone and returns the reply as the phone puts it together.
    async fn exchange(&self, mo: &Mo) -> Sms {
        self.phone(Some(mo)).await.receive().await
    }
}

/// On a failing test, what the boxes said.
impl Drop for Kannel {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- bearerbox:\n{}", self.bearerbox.out.text());
            eprintln!("--- smsbox:\n{}", self.smsbox.out.text());
        }
    }
}

/// A message from a phone to 119, in fakesmsc's format.
struct Mo(String);

impl Mo {
    /// Plain text (GSM 7-bit on the air).
    fn text(from: &str, text: &str) -> Mo {
        Mo(format!("{from} 119 text {text}"))
    }

    /// UCS-2, as a phone sends Cyrillic: UTF-16BE, URL-encoded.
    fn ucs2(from: &str, text: &str) -> Mo {
        let encoded: String = text
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .map(|b| format!("%{b:02X}"))
            .collect();
        Mo(format!("{from} 119 ucs2 {encoded}"))
    }
}

struct Phone {
    process: Process,
}

impl Phone {
    /// The next whole message: all segments of a concatenated one.
    async fn receive(&self) -> Sms {
        self.process
            .out
            .wait_for("a whole message", |lines| {
                let segments: Vec<Segment> =
                    lines.iter().filter_map(|l| Segment::parse(l)).collect();
                Sms::assemble(segments)
            })
            .await
    }
}

/// One message as fakesmsc prints it: `Got message N: <FROM TO TYPE …>`.
#[derive(Debug, Clone)]
struct Segment {
    from: String,
    to: String,
    /// `text` (7-bit, printed as is), `ucs-2`, `data` (8-bit) or `udh` (a segment; its
    /// data is taken for UCS-2).
    kind: String,
    /// Concatenation: (reference, total, sequence number) from the user data header.
    part: Option<(u16, u8, u8)>,
    /// The payload as bytes (UTF-16BE for UCS-2).
    data: Vec<u8>,
    line: String,
}

impl Segment {
    fn parse(line: &str) -> Option<Segment> {
        let body = line.split_once("Got message ")?.1.split_once(": <")?.1;
        let body = body.strip_suffix('>')?;
        let mut words = body.splitn(4, ' ');
        let (from, to, kind) = (words.next()?, words.next()?, words.next()?);
        let rest = words.next().unwrap_or_default();
        let (part, data) = match kind {
            "text" => (None, rest.as_bytes().to_vec()),
            "ucs-2" | "data" => (None, url_decode(rest)),
            "udh" => {
                let (udh, data) = rest.split_once(" data ")?;
                (concatenation(&url_decode(udh)), url_decode(data))
            }
            _ => return None,
        };
        Some(Segment {
            from: from.to_owned(),
            to: to.to_owned(),
            kind: kind.to_owned(),
            part,
            data,
            line: line.to_owned(),
        })
    }

    fn text(&self) -> String {
        match self.kind.as_str() {
            "ucs-2" | "udh" => {
                let units = self
                    .data
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]));
                char::decode_utf16(units)
                    .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect()
            }
            _ => String::from_utf8_lossy(&self.data).into_owned(),
        }
    }
}

/// The concatenation element of a user data header: 8-bit (IEI 0) or 16-bit (IEI 8) reference.
fn concatenation(udh: &[u8]) -> Option<(u16, u8, u8)> {
    match udh {
        [_, 0x00, 3, r, total, seq, ..] => Some((u16::from(*r), *total, *seq)),
        [_, 0x08, 4, r1, r2, total, seq, ..] => {
            Some((u16::from_be_bytes([*r1, *r2]), *total, *seq))
        }
        _ => None,
    }
}

/// Kannel's URL encoding (`+` for a space) back to bytes.
fn url_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).expect("URL-encoded byte"));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// A whole message as the phone shows it.
struct Sms {
    from: String,
    to: String,
    text: String,
    segments: Vec<Segment>,
}

impl Sms {
    /// The first message whose segments have all arrived.
    fn assemble(segments: Vec<Segment>) -> Option<Sms> {
        let first = segments.first()?;
        let mut parts: Vec<Segment> = match first.part {
            None => vec![first.clone()],
            Some((reference, total, _)) => {
                let parts: Vec<Segment> = segments
                    .iter()
                    .filter(|s| s.part.is_some_and(|(r, _, _)| r == reference))
                    .cloned()
                    .collect();
                if parts.len() < usize::from(total) {
                    return None;
                }
                parts
            }
        };
        parts.sort_by_key(|s| s.part.map(|(_, _, seq)| seq));
        Some(Sms {
            from: first.from.clone(),
            to: first.to.clone(),
            text: parts.iter().map(Segment::text).collect(),
            segments: parts,
        })
    }

    /// The text is `expected`; if not, the lines fakesmsc printed say why ("?" is `%3F`).
    fn expect(&self, expected: &str) {
        let lines: Vec<&str> = self.segments.iter().map(|s| s.line.as_str()).collect();
        assert_eq!(self.text, expected, "as fakesmsc printed it: {lines:#?}");
    }

    /// UCS-2 throughout, and split as the README promises: one segment of up to 70
    /// characters, or concatenated segments of up to 67, two at most (134 characters).
    fn assert_ucs2_segments(&self) {
        let len = sms_len(&self.text);
        assert!(len <= SMS_MAX_CHARS, "{len} characters: {}", self.text);
        let lines: Vec<&str> = self.segments.iter().map(|s| s.line.as_str()).collect();
        if len <= 70 {
            assert_eq!(self.segments.len(), 1, "{lines:#?}");
            assert_eq!(self.segments[0].kind, "ucs-2", "{lines:#?}");
        } else {
            assert_eq!(self.segments.len(), len.div_ceil(67), "{lines:#?}");
            for (i, s) in self.segments.iter().enumerate() {
                assert_eq!(s.kind, "udh", "{lines:#?}");
                let total = u8::try_from(self.segments.len()).unwrap();
                let seq = u8::try_from(i + 1).unwrap();
                assert!(
                    s.part.is_some_and(|(_, t, n)| t == total && n == seq),
                    "{lines:#?}"
                );
                assert!(s.data.len() % 2 == 0 && s.data.len() <= 134, "{lines:#?}");
            }
        }
    }
}
