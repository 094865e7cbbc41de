//! `protocols.jsonl`: PEC results protocols (RES-04), one JSON object a line, each the protocol
//! of one polling station for one contest of one council. Written by the generator, read by
//! `shailoo results import`.
//!
//! A line is `{"council": ID, "protocol": PROTOCOL}`, where `PROTOCOL` is
//! `shailoo_domain::protocol::Protocol` as serialized (its lines, `votes` per ballot option and
//! `against_all`); unknown fields are refused. The reader goes line by line, so that a file of
//! every national protocol is never held in memory, and names the line of a malformed one.

use crate::error::WriteError;
use crate::manifest::FileSummary;
use serde::{Deserialize, Serialize};
use shailoo_domain::protocol::Protocol;
use shailoo_domain::{CouncilId, ErrorCode};
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

/// One line of `protocols.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolLine {
    pub council: CouncilId,
    pub protocol: Protocol,
}

/// A line that is not a protocol: where, and why (serde's message names the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ProtocolLineError {
    /// 1-based.
    pub line: u64,
    pub message: String,
}

impl ProtocolLineError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::MalformedProtocol
    }
}

/// Reads `protocols.jsonl` from `input`, one line at a time, each with its 1-based line
/// number; blank lines are skipped. An I/O error is that line's error.
pub fn read_protocols<R: BufRead>(
    input: R,
) -> impl Iterator<Item = Result<(u64, ProtocolLine), ProtocolLineError>> {
    input
        .lines()
        .zip(1u64..)
        .filter_map(|(text, line)| match text {
            Err(e) => Some(Err(ProtocolLineError {
                line,
                message: e.to_string(),
            })),
            Ok(t) if t.trim().is_empty() => None,
            Ok(t) => Some(
                serde_json::from_str::<ProtocolLine>(&t)
                    .map(|p| (line, p))
                    .map_err(|e| ProtocolLineError {
                        line,
                        message: e.to_string(),
                    }),
            ),
        })
}

/// Writes `protocols.jsonl` into `dir`: exactly what [`read_protocols`] accepts.
pub fn write_protocols(dir: &Path, lines: &[ProtocolLine]) -> Result<FileSummary, WriteError> {
    let path = dir.join(crate::files::PROTOCOLS);
    let io = |source| WriteError::Io {
        path: path.clone(),
        source,
    };
    let file = std::fs::File::create(&path).map_err(io)?;
    let mut out = BufWriter::new(file);
    for line in lines {
        serde_json::to_writer(&mut out, line).map_err(|source| WriteError::Json {
            path: path.clone(),
            source,
        })?;
        out.write_all(b"\n").map_err(io)?;
    }
    out.flush().map_err(io)?;
    let bytes = std::fs::metadata(&path).map_err(io)?.len();
    Ok(FileSummary {
        name: crate::files::PROTOCOLS.to_owned(),
        rows: lines.len() as u64,
        bytes,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use shailoo_domain::StationNumber;
    use shailoo_domain::candidate::PartyId;
    use shailoo_domain::protocol::{BallotOption, Contest, OptionVotes};

    fn line() -> ProtocolLine {
        ProtocolLine {
            council: CouncilId::parse("bishkek-city").unwrap(),
            protocol: Protocol {
                station: StationNumber::new(8001).unwrap(),
                contest: Contest::PartyList,
                voters_on_list: 100,
                voters_on_additional_lists: 0,
                ballots_received: 70,
                ballots_issued_at_station: 50,
                ballots_issued_outside: 0,
                voters_took_part: 50,
                ballots_cancelled: 20,
                ballots_in_mobile_boxes: 0,
                ballots_in_stationary_boxes: 50,
                valid_ballots: 49,
                invalid_ballots: 1,
                votes: vec![OptionVotes {
                    option: BallotOption::Party(PartyId::parse("emgek").unwrap()),
                    votes: 45,
                }],
                against_all: Some(4),
            },
        }
    }

    #[test]
    fn what_is_written_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let summary = write_protocols(dir.path(), &[line(), line()]).unwrap();
        assert_eq!(summary.rows, 2);
        let text = std::fs::read(dir.path().join("protocols.jsonl")).unwrap();
        let back: Vec<_> = read_protocols(&text[..]).collect::<Result<_, _>>().unwrap();
        assert_eq!(back, [(1, line()), (2, line())]);
    }

    #[test]
    fn a_malformed_line_is_named_and_the_others_read() {
        let good = serde_json::to_string(&line()).unwrap();
        let negative = good.replace("\"votes\":45", "\"votes\":-45");
        let unknown = good.replace("\"council\"", "\"extra\":1,\"council\"");
        let text = format!("{good}\n\n{negative}\n{unknown}\nnot json\n");
        let got: Vec<_> = read_protocols(text.as_bytes()).collect();
        assert_eq!(got.len(), 4);
        assert!(got[0].is_ok());
        let e = got[1].as_ref().unwrap_err();
        assert_eq!((e.line, e.code()), (3, ErrorCode::MalformedProtocol));
        assert!(e.message.contains("-45"), "{}", e.message);
        let e = got[2].as_ref().unwrap_err();
        assert!(e.message.contains("extra"), "{}", e.message);
        assert_eq!(got[3].as_ref().unwrap_err().line, 5);
    }
}
