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

/// Sorts by value, highest first; equal values keep input order (for display only: equal values
/// are never separated without lots).
pub(crate) fn rank(items: &mut [Ranked<'_>]) {
    items.sort_by(|a, b| b.value.cmp(&a.value).then(a.index.cmp(&b.index)));
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
    if k >= ranked.len() {
        return Ok(Pick::Chosen(ranked.iter().map(|r| r.index).collect()));
    }
    if k == 0 {
        return Ok(Pick::Chosen(Vec::new()));
    }
    let cut = ranked[k - 1].value;
    if ranked[k].value != cut {
        return Ok(Pick::Chosen(ranked[..k].iter().map(|r| r.index).collect()));
    }
    let above = ranked.iter().take_while(|r| r.value > cut).count();
    let group: Vec<Ranked<'_>> = ranked.iter().filter(|r| r.value == cut).copied().collect();
    let seats = (k - above) as u64;
    let mut tied_in_input_order = group.clone();
    tied_in_input_order.sort_by_key(|r| r.index);
    let tied_ids: Vec<&str> = tied_in_input_order.iter().map(|r| r.id).collect();
    let Some(winners) = book.resolve(&tied_ids, seats)? else {
        let tied: Vec<String> = tied_ids.iter().map(|id| (*id).to_owned()).collect();
        steps.push(Step::LotsRequired {
            phase,
            tied: tied.clone(),
            seats,
        });
        return Ok(Pick::Lots(LotsRequired {
            phase,
            tied,
            seats_in_question: seats,
        }));
    };
    steps.push(Step::LotsApplied {
        phase,
        tied: tied_ids.iter().map(|id| (*id).to_owned()).collect(),
        winners: winners.to_vec(),
        seats,
    });
    let mut chosen: Vec<usize> = ranked[..above].iter().map(|r| r.index).collect();
    chosen.extend(
        group
            .iter()
            .filter(|r| winners.iter().any(|w| w == r.id))
            .map(|r| r.index),
    );
    Ok(Pick::Chosen(chosen))
}
