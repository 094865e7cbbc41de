//! [`AuditAction`]: the closed set of what the audit log records, each member with the exact
//! string the log holds.

shailoo_domain::closed_set! {
    /// What an audit entry records: one kind of change of election data (or of access to it).
    /// Every writer names its entry with a member; the log stores the member's string, which is
    /// part of the entry's hash. So a string is never changed and a member never removed: logs
    /// written by earlier versions hold them, and the checkpoints signed over those logs too.
    /// A member no longer written stays, marked retired, so that old entries still read as
    /// what they are.
    ///
    /// The log is read back as it is stored ([`RecordedEvent`](super::RecordedEvent)): an
    /// entry whose action this version does not know still verifies, and
    /// [`RecordedEvent::known_action`](super::RecordedEvent::known_action) says so.
    pub enum AuditAction {
        // --- the election setup (the CLI's loads, the CEC's forms) ---
        /// The territories, councils, commissions and stations of a dataset were loaded.
        SetupImported = "setup_imported",
        /// The districting units of a dataset were loaded.
        DistrictUnitsImported = "district_units_imported",
        StationAdded = "station_added",
        /// The CEC moved a deadline of the statutory calendar.
        CalendarOverrideSet = "calendar_override_set",
        /// The CEC set rule parameters of an election (all of one setting at once).
        RuleParametersSet = "rule_parameters_set",
        /// Staff recorded the local government's survey of a station's premises.
        StationAccessSurveyed = "station_access_surveyed",
        // --- staff accounts ---
        UserAdded = "user_added",
        // --- the population register and the voter lists (VOT-01…VOT-06, CAL-02, CAL-04) ---
        RegisterImported = "register_imported",
        /// Retired: what `register_imported` was called until the register import became one
        /// bulk path. Never written now; logs of that time hold it.
        RegisterLoaded = "register_loaded",
        VoterListsCompiled = "voter_lists_compiled",
        VoterListsPublished = "voter_lists_published",
        VoterListsPosted = "voter_lists_posted",
        VoterListsFrozen = "voter_lists_frozen",
        // --- remote voting (VOT-07) ---
        RemoteVotingApplied = "remote_voting_applied",
        RemoteVotingApproved = "remote_voting_approved",
        RemoteVotingRejected = "remote_voting_rejected",
        RemoteVotingCancelled = "remote_voting_cancelled",
        RemoteStationCapacitySet = "remote_station_capacity_set",
        /// Approved applications of voters a recompile left on no list.
        RemoteApplicationsLapsed = "remote_applications_lapsed",
        // --- voter-list claims (VOT-08) ---
        VoterListClaimFiled = "voter_list_claim_filed",
        VoterListClaimAccepted = "voter_list_claim_accepted",
        VoterListClaimRejected = "voter_list_claim_rejected",
        // --- district schemes (DIS-01…DIS-05, CAL-05) ---
        DistrictSchemeSaved = "district_scheme_saved",
        DistrictSchemeSubmitted = "district_scheme_submitted",
        DistrictSchemeApproved = "district_scheme_approved",
        DistrictSchemeReturned = "district_scheme_returned",
        // --- the voter cabinet's sign-ins ---
        CabinetCodeIssued = "cabinet_code_issued",
        CabinetChallengeLocked = "cabinet_challenge_locked",
        CabinetSignedIn = "cabinet_signed_in",
        CabinetSignedOut = "cabinet_signed_out",
        // --- parties, nominations and candidates (CAN-01…CAN-10) ---
        /// The CEC registered a party.
        PartyAdded = "party_added",
        /// A party's representative was accredited (never the password or its hash).
        PartyRepresentativeAdded = "party_representative_added",
        /// A nomination was opened as a draft.
        NominationOpened = "nomination_opened",
        NominationEdited = "nomination_edited",
        NominationSubmitted = "nomination_submitted",
        /// A document was attached to a nomination (its digest, never its bytes).
        NominationDocumentAttached = "nomination_document_attached",
        /// A run of the registry checks was recorded, with its evidence.
        NominationChecksRecorded = "nomination_checks_recorded",
        NominationRegistered = "nomination_registered",
        NominationRefused = "nomination_refused",
        NominationCandidateReplaced = "nomination_candidate_replaced",
        NominationWithdrawn = "nomination_withdrawn",
        NominationCandidateWithdrawn = "nomination_candidate_withdrawn",
        /// A nomination's registration was cancelled.
        RegistrationCancelled = "registration_cancelled",
        /// One candidate's registration was cancelled.
        CandidateRegistrationCancelled = "candidate_registration_cancelled",
        // --- ballots (RES-02) ---
        /// The order of a city ballot's parties was set.
        BallotOrderSet = "ballot_order_set",
        // --- the complaints registry (CMP-05, CMP-06) ---
        ComplaintFiled = "complaint_filed",
        /// The current step was assigned to a member of the commission hearing it.
        ComplaintAssigned = "complaint_assigned",
        ComplaintDecided = "complaint_decided",
        ComplaintAppealed = "complaint_appealed",
        /// The CEC recorded the court's act on an appeal of its decision.
        ComplaintCourtActRecorded = "complaint_court_act_recorded",
        // --- media accreditation (CMP-01…CMP-03) ---
        /// The CEC entered an outlet's application with its price list.
        MediaApplied = "media_applied",
        MediaAccredited = "media_accredited",
        MediaRefused = "media_refused",
        MediaRevoked = "media_revoked",
        // --- i16-badges: journalists' badges ---
        /// A journalist's badge issued for an accredited outlet, signed with the CEC's key.
        MediaBadgeIssued = "media_badge_issued",
        MediaBadgeRevoked = "media_badge_revoked",
        /// The place for printed campaign material at a station (CAL-06), recorded or replaced.
        CampaignPlaceRecorded = "campaign_place_recorded",
        // --- election funds (CMP-04) ---
        /// An income or expense entered in a fund.
        FundMovementEntered = "fund_movement_entered",
        /// A fund's bank statement imported whole.
        FundStatementImported = "fund_statement_imported",
        FundReportSubmitted = "fund_report_submitted",
        // --- violation reports (CMP-07) ---
        ViolationReported = "violation_reported",
        ViolationTriaged = "violation_triaged",
        ViolationAssigned = "violation_assigned",
        /// Resolved, referred or dismissed, with the note the reporter reads.
        ViolationClosed = "violation_closed",
        // --- voting day ---
        VoterCheckedIn = "voter_checked_in",
        // --- results (RES-01…RES-11) ---
        /// An operator's entry of a station's protocol (double entry).
        ProtocolEntered = "protocol_entered",
        /// The TEC kept one of two different entries, or ordered both again.
        ProtocolDifferenceResolved = "protocol_difference_resolved",
        ProtocolAccepted = "protocol_accepted",
        /// The TEC returned a protocol to the PEC, with its reason.
        ProtocolReturned = "protocol_returned",
        /// A correction of an accepted protocol: a new version, with its reason.
        ProtocolCorrected = "protocol_corrected",
        /// A protocol entered and accepted at once from a file (`shailoo results import`).
        ProtocolImported = "protocol_imported",
        /// The TEC determined a council's result (with any drawing of lots).
        CouncilResultDetermined = "council_result_determined",
        /// The ballot-counting boxes' preliminary counts of a file (RES-01), kept apart.
        PreliminaryCountsImported = "preliminary_counts_imported",
        // i15-scan-map: the scan or photo of a signed paper protocol.
        /// A PEC operator attached the scan of a protocol's signed paper to its current version.
        ProtocolScanAttached = "protocol_scan_attached",
        // i15-public: the public results log.
        /// A signed checkpoint of an election's public results log was kept (`results export`).
        ResultsLogCheckpointed = "results_log_checkpointed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_action_is_one_distinct_snake_case_string_that_round_trips() {
        let strings: BTreeSet<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(
            strings.len(),
            AuditAction::ALL.len(),
            "two actions share a string"
        );
        for &action in AuditAction::ALL {
            let text = action.as_str();
            assert!(
                !text.is_empty()
                    && text
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{text}"
            );
            assert_eq!(AuditAction::parse(text), Some(action));
            let json = serde_json::to_string(&action).unwrap_or_default();
            assert_eq!(json, format!("\"{text}\""));
        }
        assert_eq!(AuditAction::parse("forged"), None);
    }
}
