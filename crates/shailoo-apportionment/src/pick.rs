//! Taking the top `k` of a ranking, where a tie straddling the cut goes to lots (RES-08).
//!
//! Shared by the largest-remainder seats (values are remainders over a common denominator) and
//! the district mandates (values are votes), so that both treat ties the same way.

use crate::error::SeatsInputError;
use crate::explain::Step;
use crate::lots::{LotsBook, LotsRequired, TiePhase};

/// One contender: its position in the input, its id and the value it is ranked by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ranked<'a> {
    pub index: usize,
    pub id: &'a str,
    pub value: u64,
}

/// Sorts by value, highest first; equal values keep input order (for display, and for the
/// documented order in which [`crate::district`] records a reserved mandate that no drawing
/// decides; equal values are never separated without lots where it changes who is elected).
pub(crate) fn rank(items: &mut [Ranked<'_>]) {
    items.sort_by(|a, b| b.value.cmp(&a.value).then(a.index.cmp(&b.index)));
}

/// A group of equal values that straddles the cut of the top `k`.
#[derive(Debug)]
pub(crate) struct Tie<'r, 'a> {
    /// How many rank strictly above the group: all of them are in.
    pub above: usize,
    /// The group, in ranking order (which is input order).
    pub group: Vec<Ranked<'a>>,
    /// How many of the group are in.
    pub seats: usize,
    ranked: &'r [Ranked<'a>],
}

impl<'a> Tie<'_, 'a> {
    /// The tied ids in input order.
    pub fn ids(&self) -> Vec<&'a str> {
        self.group.iter().map(|r| r.id).collect()
    }

    /// The indices that are in when `winners` (ids of the group) win the tie.
    fn chosen(&self, winners: impl Fn(&str) -> bool) -> Vec<usize> {
        let mut chosen: Vec<usize> = self.ranked[..self.above].iter().map(|r| r.index).collect();
        chosen.extend(self.group.iter().filter(|r| winners(r.id)).map(|r| r.index));
        chosen
    }

    /// The indices that are in when the first of the group in input order win the tie.
    pub fn in_input_order(&self) -> Vec<usize> {
        let mut chosen: Vec<usize> = self.ranked[..self.above].iter().map(|r| r.index).collect();
        chosen.extend(self.group[..self.seats].iter().map(|r| r.index));
        chosen
    }
}

/// The tie at the cut of the top `k` of a ranking sorted by [`rank`], if a group of equal
/// values has members on both sides of it.
pub(crate) fn straddling<'r, 'a>(ranked: &'r [Ranked<'a>], k: usize) -> Option<Tie<'r, 'a>> {
    if k == 0 || k >= ranked.len() || ranked[k].value != ranked[k - 1].value {
        return None;
    }
    let cut = ranked[k - 1].value;
    let above = ranked.iter().take_while(|r| r.value > cut).count();
    // Sorted by value, then by index: the group is already in input order.
    let group: Vec<Ranked<'a>> = ranked.iter().filter(|r| r.value == cut).copied().collect();
    Some(Tie {
        above,
        group,
        seats: k - above,
        ranked,
    })
}

pub(crate) enum Pick {
    /// The input indices that take the `k` places, in ranking order.
    Chosen(Vec<usize>),
    /// A tie straddles the cut and no drawing is recorded for it.
    Lots(LotsRequired),
}

/// The top `k` of a ranking sorted by [`rank`]. A group of equal values that straddles the cut
/// is resolved by a recorded drawing (and a [`Step::LotsApplied`] is pushed), or returned as
/// [`Pick::Lots`].
pub(crate) fn pick_top(
    ranked: &[Ranked<'_>],
    k: usize,
    phase: TiePhase,
    book: &mut LotsBook<'_>,
    steps: &mut Vec<Step>,
) -> Result<Pick, SeatsInputError> {
    let Some(tie) = straddling(ranked, k) else {
        let k = k.min(ranked.len());
        return Ok(Pick::Chosen(ranked[..k].iter().map(|r| r.index).collect()));
    };
    match recorded(&tie, phase, book, steps)? {
        Some(chosen) => Ok(Pick::Chosen(chosen)),
        None => {
            let tied: Vec<String> = tie.ids().into_iter().map(str::to_owned).collect();
            let seats = tie.seats as u64;
            steps.push(Step::LotsRequired {
                phase,
                tied: tied.clone(),
                seats,
            });
            Ok(Pick::Lots(LotsRequired {
                phase,
                tied,
                seats_in_question: seats,
            }))
        }
    }
}

/// The indices that are in, when a drawing for this tie is recorded (a
/// [`Step::LotsApplied`] is pushed); `None` when none is.
pub(crate) fn recorded(
    tie: &Tie<'_, '_>,
    phase: TiePhase,
    book: &mut LotsBook<'_>,
    steps: &mut Vec<Step>,
) -> Result<Option<Vec<usize>>, SeatsInputError> {
    let tied_ids = tie.ids();
    let seats = tie.seats as u64;
    let Some(winners) = book.resolve(&tied_ids, seats)? else {
        return Ok(None);
    };
    steps.push(Step::LotsApplied {
        phase,
        tied: tied_ids.iter().map(|id| (*id).to_owned()).collect(),
        winners: winners.to_vec(),
        seats,
    });
    Ok(Some(tie.chosen(|id| winners.iter().any(|w| w == id))))
}
