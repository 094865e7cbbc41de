//! Input errors: what is wrong with a seats input, and in which field.
//!
//! Every error names the field (`lists[3].votes`, `lots[0].winners`) so that a person can fix
//! the file; [`SeatsInputError::code`] is a stable code for clients that translate. The CLI
//! exits with code 2 on any of these.

/// A seats input that cannot be allocated as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeatsInputError {
    /// The text is not JSON at all.
    #[error("input is not valid JSON: {message} (line {line}, column {column})")]
    Syntax {
        message: String,
        line: usize,
        column: usize,
    },
    /// JSON that does not have the expected shape: a missing or unknown field, a wrong type, a
    /// negative number, an unknown `sex`…
    #[error("`{field}`: {message}")]
    Schema { field: String, message: String },
    /// Well-formed input that breaks a rule of the contract.
    #[error("`{field}`: {problem}")]
    Invalid { field: String, problem: Problem },
}

impl SeatsInputError {
    pub(crate) fn invalid(field: impl Into<String>, problem: Problem) -> Self {
        SeatsInputError::Invalid {
            field: field.into(),
            problem,
        }
    }

    /// The field at fault (`.` for the whole document), if the error is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            SeatsInputError::Syntax { .. } => None,
            SeatsInputError::Schema { field, .. } | SeatsInputError::Invalid { field, .. } => {
                Some(field)
            }
        }
    }

    /// A stable code for translation.
    pub fn code(&self) -> &'static str {
        match self {
            SeatsInputError::Syntax { .. } => "syntax",
            SeatsInputError::Schema { .. } => "schema",
            SeatsInputError::Invalid { problem, .. } => problem.code(),
        }
    }
}

/// A broken rule of the input contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("unknown kind `{0}`, expected `party_list` or `district_plurality`")]
    UnknownKind(String),
    #[error("must be at least 1")]
    ZeroSeats,
    #[error("must be at most 100")]
    PercentOver100,
    #[error("must not be empty")]
    EmptyId,
    #[error("duplicate id `{0}`")]
    DuplicateId(String),
    #[error(
        "the votes of the lists ({list_votes}) plus against all ({against_all}) exceed the voters who took part ({took_part})"
    )]
    VotesExceedTookPart {
        list_votes: u128,
        against_all: u64,
        took_part: u64,
    },
    #[error("reserved mandates ({reserved}) exceed the district's seats ({seats})")]
    ReservedExceedsSeats { reserved: u64, seats: u64 },
    #[error("`{0}` is not a list or candidate of this contest")]
    UnknownId(String),
    #[error("a drawing of lots needs at least two distinct tied ids")]
    TooFewTied,
    #[error("`{0}` is not among the tied ids")]
    WinnerNotTied(String),
    #[error("winners must be distinct, at least one, and fewer than the tied ids")]
    BadWinners,
    #[error("the drawing is for {expected} seat(s) in question, but names {got} winner(s)")]
    WrongWinnerCount { expected: u64, got: u64 },
    #[error("this drawing of lots matches no tie of this allocation")]
    NoMatchingTie,
}

impl Problem {
    /// A stable code for translation.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::UnknownKind(_) => "unknown_kind",
            Problem::ZeroSeats => "zero_seats",
            Problem::PercentOver100 => "percent_over_100",
            Problem::EmptyId => "empty_id",
            Problem::DuplicateId(_) => "duplicate_id",
            Problem::VotesExceedTookPart { .. } => "votes_exceed_took_part",
            Problem::ReservedExceedsSeats { .. } => "reserved_exceeds_seats",
            Problem::UnknownId(_) => "unknown_id",
            Problem::TooFewTied => "too_few_tied",
            Problem::WinnerNotTied(_) => "winner_not_tied",
            Problem::BadWinners => "bad_winners",
            Problem::WrongWinnerCount { .. } => "wrong_winner_count",
            Problem::NoMatchingTie => "no_matching_tie",
        }
    }
}
