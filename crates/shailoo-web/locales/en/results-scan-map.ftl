# i15-scan-map: the scans of signed protocols, the station pages, the map.
error-results_scan_missing = Choose the scan or photo of the signed protocol to attach.
error-results_scan_too_large = The scan is larger than 10 MB.
error-results_scan_not_recognised = The scan is not a JPEG, PNG or PDF file.
protocols-done-scan = The scan of the signed protocol is attached.
protocols-scan-title = Scan of the signed protocol
protocols-scan-none = No scan is attached yet.
protocols-scan-version = Version
protocols-scan-file = Scan or photo of the signed paper protocol
protocols-scan-hint = JPEG, PNG or PDF, at most 10 MB. It is published with the protocol once the TEC accepts it.
protocols-scan-submit = Attach the scan
protocols-scan-closed = A scan is attached once the protocol is entered, and until it is accepted.
results-station-title = Polling station
results-station-none = No protocol of this station is accepted yet.
results-station-version = Accepted version
results-station-scan = Scan of the signed protocol
results-station-no-scan = No scan was attached to this protocol.
results-station-scan-alt = Signed protocol of polling station
results-station-scan-pdf = Open the signed protocol (PDF)
results-station-back = Back to the council's results
results-station-list = Polling stations
results-map-title = Results map
results-map-link = Map of the results
results-map-desc = Kyrgyzstan's outline with a circle at the seat of each council: its colour is the list or candidate leading the count, its size the turnout. The table below gives the same figures.
results-map-caption = Each circle is a council at its seat: coloured by who leads the count, larger where the turnout is higher. Select a circle for the council's results.
results-map-legend = Legend
results-map-other = Another leader
results-map-empty = No protocol accepted yet
results-map-size = The larger the circle, the higher the turnout.
results-map-unplaced = Councils not on the map
results-map-unplaced-why = The coordinates of their seats are not in the geographic data shipped with the system; their results are in the table.
results-map-unplaced-list = Show the list
results-map-table = Turnout and leader per council
results-map-seat = Seat
results-map-no-seat = coordinates unknown
results-map-leader = Leading
results-map-attribution = Outline: Natural Earth (public domain). Settlements: GeoNames (www.geonames.org), CC BY 4.0.
# The allocation's steps (shailoo_apportionment::Step), one message per step code.
explain-against-all = Against all: { $votes } { $votes ->
         [one] vote
        *[other] votes
    } (counted among the voters who took part; never seated).
explain-threshold = Threshold (RES-06): { $threshold_percent }% of the { $base_votes } { $base ->
         [valid_votes] valid votes
        *[other] voters who took part
    }; a list needs at least { $minimum_votes } { $minimum_votes ->
         [one] vote
        *[other] votes
    }.
explain-list-threshold = List { $list }: { $votes } { $votes ->
         [one] vote
        *[other] votes
    }, { $passed ->
         [true] passes the threshold
        *[other] below the threshold: takes no part in the allocation
    }.
explain-no-list-qualified = No list passed the threshold: the election is failed (RES-09).
explain-quota = Hare quota (RES-07): { $total_votes } votes of the qualifying lists / { $seats } { $seats ->
         [one] seat
        *[other] seats
    } = { $quota } votes per seat.
explain-whole-seats = List { $list }: { $votes } votes / quota = { $whole_seats } whole { $whole_seats ->
         [one] seat
        *[other] seats
    }, remainder { $remainder } votes.
explain-candidates-cap = List { $list } is entitled to { $entitled } whole seats but has only { $candidates } { $candidates ->
         [one] candidate
        *[other] candidates
    }: it keeps { $candidates }, the rest go to the next largest remainders (RES-09).
explain-remainders-ranked = { $remaining_seats } { $remaining_seats ->
         [one] seat remains
        *[other] seats remain
    }; remainders ranked: { $ranking }{ $exhausted_count ->
         [0] {""}
        *[other] ; left out, no candidates left (RES-09): { $exhausted }
    }.
explain-remainder-seat = Remaining seat { $seat } goes to list { $list } (remainder { $remainder }).
explain-remainder-round = More seats remain than lists with candidates left: { $lists } each take { $seats_each } more { $seats_each ->
         [one] seat
        *[other] seats
    } (RES-09).
explain-seats-left-vacant = List { $list } won { $entitled } { $entitled ->
         [one] seat
        *[other] seats
    } but has only { $candidates } { $candidates ->
         [one] candidate
        *[other] candidates
    }: the seats it cannot fill stay vacant (RES-09).
explain-lots-applied = Tie for { $seats } { $phase ->
         [reserved] reserved
        *[other] { $phase ->
                 [open] open
                *[other] largest-remainder
            }
    } { $seats ->
         [one] seat
        *[other] seats
    } among { $tied }: decided by the recorded drawing of lots for { $winners } (RES-08).
explain-reserved-tie-all-elected = Tie for the last reserved mandate among { $tied }: all of them are elected however lots would fall, so none are drawn; the reserved mandate is recorded for { $reserved }, first in the order of the ballot (RES-08).
explain-lots-required = Tie for { $seats } { $phase ->
         [reserved] reserved
        *[other] { $phase ->
                 [open] open
                *[other] largest-remainder
            }
    } { $seats ->
         [one] seat
        *[other] seats
    } among { $tied }: the commission must draw lots (RES-08).
explain-list-seats = List { $list }: { $seats } { $seats ->
         [one] seat
        *[other] seats
    }.
explain-unfilled-seats = { $seats } { $seats ->
         [one] seat
        *[other] seats
    } left unfilled: no candidates left to take { $seats ->
         [one] it
        *[other] them
    } (RES-09).
explain-reserved-mandates = { $reserved } of { $seats } { $seats ->
         [one] mandate
        *[other] mandates
    } reserved for women ({ $by_default ->
         [true] at least 30%, rounded up
        *[other] as given
    }, DIS-04).
explain-fewer-women-than-reserved = Only { $women_running } { $women_running ->
         [one] woman runs
        *[other] women run
    } for { $reserved } reserved { $reserved ->
         [one] mandate
        *[other] mandates
    }: { $moved_to_open } { $moved_to_open ->
         [one] goes
        *[other] go
    } to the other candidates (RES-10).
explain-reserved-seat = Mandate { $seat } (reserved for women): { $candidate }, { $votes } { $votes ->
         [one] vote
        *[other] votes
    }.
explain-open-seat = Mandate { $seat }: { $candidate } ({ $sex ->
         [female] woman
        *[other] man
    }), { $votes } { $votes ->
         [one] vote
        *[other] votes
    }.
protocols-remote-empty = Remote-voting station № { $station }: no voter is on its list yet, so it holds no contest.
