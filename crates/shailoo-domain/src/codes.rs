//! Closed sets of stable codes, and [`ErrorCode`]: every error code a client of shailoo can see.
//!
//! A code is a contract: API clients match on it, the catalogues translate it, the audit log
//! hashes it. So each member is declared with its exact string beside it ([`crate::closed_set!`]),
//! never derived from the variant's name: renaming a variant cannot change what is on the
//! wire or in a hash chain. The set is closed and enumerable (`ALL`), so what must cover every
//! member (a message per code in ky/ru/en, the OpenAPI enum, a round trip) is derived from it
//! by a test instead of a hand-kept list.

/// Declares a closed set of stable codes: a fieldless enum whose every member is written with
/// its exact string form.
///
/// ```
/// shailoo_domain::closed_set! {
///     /// What a traffic light shows.
///     pub enum Light {
///         Red = "red",
///         Green = "green",
///     }
/// }
/// assert_eq!(Light::Green.as_str(), "green");
/// assert_eq!(Light::parse("red"), Some(Light::Red));
/// assert_eq!(Light::ALL, &[Light::Red, Light::Green]);
/// ```
///
/// The enum gets `ALL` (every member, in declaration order), `as_str`, `parse`, `Display`,
/// `FromStr` and serde as the string. Two members with one string do not compile without a
/// warning (an unreachable pattern in `parse`), which `-D warnings` refuses.
#[macro_export]
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable string form.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The member written `text`, if there is one.
            pub fn parse(text: &str) -> ::core::option::Option<$name> {
                match text {
                    $($text => ::core::option::Option::Some($name::$variant),)+
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::codes::UnknownCode;
            fn from_str(text: &str) -> ::core::result::Result<$name, $crate::codes::UnknownCode> {
                $name::parse(text).ok_or_else(|| $crate::codes::UnknownCode {
                    set: stringify!($name),
                    text: text.chars().take(64).collect(),
                })
            }
        }

        impl $crate::codes::__serde::Serialize for $name {
            fn serialize<S: $crate::codes::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::codes::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::codes::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<$name, D::Error> {
                let text = <::std::string::String as $crate::codes::__serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                $name::parse(&text).ok_or_else(|| {
                    <D::Error as $crate::codes::__serde::de::Error>::unknown_variant(
                        &text,
                        &[$($text),+],
                    )
                })
            }
        }
    };
}

#[doc(hidden)]
pub use serde as __serde;

/// A string that is no member of a closed set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a {set}")]
pub struct UnknownCode {
    pub set: &'static str,
    pub text: String,
}

closed_set! {
    /// Every error code a client can see: the `code` of an API error, the error page, the
    /// message beside a refused form. Each has the message `error-<code>` in the ky, ru and
    /// en catalogues (the web's catalogue test walks [`ErrorCode::ALL`]), and the OpenAPI
    /// document lists them as the enum of `ErrorDetail.code`.
    ///
    /// One set for every layer, kept here because the domain is the crate they all share:
    /// the same code comes from more than one layer (`unknown_council` from the setup check
    /// and from the store; `voting_day_not_after_calling` from the setup check and from the
    /// calendar), and a client needs one list. Each error type's `code()` maps its variants
    /// onto it with an exhaustive match, so a new variant needs a code, and a new code needs
    /// its messages. Findings of the rules (`Coded`: CAN-, DIS-, RES- codes) are not errors
    /// and keep their own sets and message keys.
    pub enum ErrorCode {
        // --- the domain: PIN (VOT-10), passport and mobile numbers ---
        PinWrongLength = "pin_wrong_length",
        PinNotADigit = "pin_not_a_digit",
        PinBadSexDigit = "pin_bad_sex_digit",
        PinBadBirthDate = "pin_bad_birth_date",
        PinUnknownSex = "pin_unknown_sex",
        PassportWrongLength = "passport_wrong_length",
        PassportBadSeries = "passport_bad_series",
        PassportNotADigit = "passport_not_a_digit",
        MsisdnWrongForm = "msisdn_wrong_form",
        MsisdnNotADigit = "msisdn_not_a_digit",
        // --- the domain: the calendar and its windows ---
        VotingDayNotAfterCalling = "voting_day_not_after_calling",
        DeadlineBeforeCalling = "deadline_before_calling",
        UnknownOverride = "unknown_override",
        DuplicateOverride = "duplicate_override",
        UndatedOverride = "undated_override",
        VotingDayMoved = "voting_day_moved",
        WindowInverted = "window_inverted",
        OutOfRange = "out_of_range",
        ActionNotYetOpen = "action_not_yet_open",
        ActionClosed = "action_closed",
        // --- the domain: the election setup ---
        DuplicateTerritory = "duplicate_territory",
        UnknownParentTerritory = "unknown_parent_territory",
        DuplicateCouncil = "duplicate_council",
        CouncilUnknownTerritory = "council_unknown_territory",
        DuplicateCommission = "duplicate_commission",
        UnknownParentCommission = "unknown_parent_commission",
        WrongCommissionLevel = "wrong_commission_level",
        CommissionUnknownTerritory = "commission_unknown_territory",
        DuplicateStationNumber = "duplicate_station_number",
        StationUnknownPec = "station_unknown_pec",
        UnknownCouncil = "unknown_council",
        StationUnknownTerritory = "station_unknown_territory",
        // --- the domain: rule parameters ---
        ParamPercentOver100 = "param_percent_over_100",
        ParamTooSmall = "param_too_small",
        ParamBadShare = "param_bad_share",
        ParamMagnitudeRange = "param_magnitude_range",
        ParamShareBelowHalf = "param_share_below_half",
        // --- the domain: candidates (CAN-01…CAN-10) and ballots (RES-02) ---
        PartyRegistrationNumberEmpty = "party_registration_number_empty",
        PartyRegistrationNumberTooLong = "party_registration_number_too_long",
        PartyRegistrationNumberBadCharacter = "party_registration_number_bad_character",
        EvidenceBadRequestId = "evidence_bad_request_id",
        EvidenceBadDigest = "evidence_bad_digest",
        NameMissing = "name_missing",
        NameTooLong = "name_too_long",
        NameControlCharacter = "name_control_character",
        CandidateUnknownPin = "candidate_unknown_pin",
        CandidateAnswerForAnotherPin = "candidate_answer_for_another_pin",
        CandidatePinContradictsRegistry = "candidate_pin_contradicts_registry",
        CheckMissingAnswers = "check_missing_answers",
        CheckNotFiled = "check_not_filed",
        CheckPartyMismatch = "check_party_mismatch",
        CheckMissingPartyMembership = "check_missing_party_membership",
        CandidacyDecisionOverdue = "candidacy_decision_overdue",
        CandidacyWithdrawalClosed = "candidacy_withdrawal_closed",
        CandidacyCancellationClosed = "candidacy_cancellation_closed",
        CandidacyWrongContest = "candidacy_wrong_contest",
        CandidacyIneligible = "candidacy_ineligible",
        CandidacyListComposition = "candidacy_list_composition",
        CandidacyOneCandidateOnly = "candidacy_one_candidate_only",
        CandidacyEmpty = "candidacy_empty",
        CandidacyLastCandidate = "candidacy_last_candidate",
        CandidacyUnknownCandidate = "candidacy_unknown_candidate",
        CandidacyDuplicateId = "candidacy_duplicate_id",
        CandidacyBadOrder = "candidacy_bad_order",
        CandidacyStale = "candidacy_stale",
        CandidacyChecksNotCleared = "candidacy_checks_not_cleared",
        CandidacyReportMismatch = "candidacy_report_mismatch",
        CandidacyListsOnly = "candidacy_lists_only",
        CandidacyNotTheNominator = "candidacy_not_the_nominator",
        CandidacyNoteRequired = "candidacy_note_required",
        CandidacyStepNotAllowed = "candidacy_step_not_allowed",
        BallotRegistrationOpen = "ballot_registration_open",
        BallotWrongCouncilKind = "ballot_wrong_council_kind",
        BallotOrderMismatch = "ballot_order_mismatch",
        BallotUnknownParty = "ballot_unknown_party",
        BallotDuplicateList = "ballot_duplicate_list",
        BallotUnknownDistrict = "ballot_unknown_district",
        // --- the domain: complaints and appeals, their legal clock (CMP-05, CMP-06) ---
        ComplaintFiledTooLate = "complaint_filed_too_late",
        ComplaintActDateRequired = "complaint_act_date_required",
        ComplaintActInFuture = "complaint_act_in_future",
        ComplaintBeforeCalling = "complaint_before_calling",
        // --- the domain: results protocols, double entry and acceptance (RES-04, RES-05) ---
        ResultsSameOperator = "results_same_operator",
        ResultsAlreadyEntered = "results_already_entered",
        ResultsAwaitingResolution = "results_awaiting_resolution",
        ResultsAlreadyAccepted = "results_already_accepted",
        ResultsNoDifference = "results_no_difference",
        ResultsNotEntered = "results_not_entered",
        ResultsChecksFailed = "results_checks_failed",
        ResultsCommentRequired = "results_comment_required",
        ResultsNotAccepted = "results_not_accepted",
        ResultsReasonRequired = "results_reason_required",
        ResultsDecidesOwnEntry = "results_decides_own_entry",
        ResultsUnknownOption = "results_unknown_option",
        ResultsMissingOption = "results_missing_option",
        // --- the app: candidacies (nominations, checks, documents, decisions) ---
        CandidacyCheckInput = "candidacy_check_input",
        CandidacyBadId = "candidacy_bad_id",
        CandidacyUnknownNomination = "candidacy_unknown_nomination",
        CandidacyUnknownParty = "candidacy_unknown_party",
        CandidacyCouncilNotInElection = "candidacy_council_not_in_election",
        CandidacyUnknownDistrict = "candidacy_unknown_district",
        CandidacyListAlreadyOpen = "candidacy_list_already_open",
        CandidacyNotOwnCommunity = "candidacy_not_own_community",
        CandidacyNotTheVoter = "candidacy_not_the_voter",
        CandidacyChecksPending = "candidacy_checks_pending",
        CandidacyGroundNotShown = "candidacy_ground_not_shown",
        CandidacyChangedWhileChecked = "candidacy_changed_while_checked",
        CandidacyDocumentMissing = "candidacy_document_missing",
        CandidacyDocumentTooLarge = "candidacy_document_too_large",
        CandidacyDocumentNotRecognised = "candidacy_document_not_recognised",
        CandidacyDocumentWrongType = "candidacy_document_wrong_type",
        CandidacyDocumentMisplaced = "candidacy_document_misplaced",
        CandidacyTextTooLong = "candidacy_text_too_long",
        // --- the app: the store ---
        DbUnavailable = "db_unavailable",
        DbBadUrl = "db_bad_url",
        DuplicateUser = "duplicate_user",
        DuplicateParty = "duplicate_party",
        Duplicate = "duplicate",
        UnknownCommission = "unknown_commission",
        UnknownTerritory = "unknown_territory",
        UnknownElection = "unknown_election",
        UnknownReference = "unknown_reference",
        DbCorrupt = "db_corrupt",
        DbError = "db_error",
        // --- the app: accounts, authorization, setup ---
        BadUsername = "bad_username",
        UnknownRole = "unknown_role",
        WeakPassword = "weak_password",
        Forbidden = "forbidden",
        NotAPec = "not_a_pec",
        CalendarInvalid = "calendar_invalid",
        /// The CEC decision behind a moved deadline is not a decision number.
        BadDecisionNumber = "bad_decision_number",
        // --- the app: setting the rule parameters of an election ---
        ParamChangesRefused = "param_changes_refused",
        ParamInvalid = "param_invalid",
        ParamNotApplied = "param_not_applied",
        ParamUnknownKey = "param_unknown_key",
        ParamBadValue = "param_bad_value",
        ParamNotAnObject = "param_not_an_object",
        // --- the app: accessibility surveys of polling stations ---
        AccessNoSurveyor = "access_no_surveyor",
        AccessTextTooLong = "access_text_too_long",
        AccessSurveyInFuture = "access_survey_in_future",
        // --- the app: voter lists, remote voting, claims (VOT-07, VOT-08), check-in ---
        VoterListsFrozen = "voter_lists_frozen",
        VoterListsNotCompiled = "voter_lists_not_compiled",
        VoterListsNotPublished = "voter_lists_not_published",
        VoterListsStepAlreadyTaken = "voter_lists_step_already_taken",
        UnknownStation = "unknown_station",
        RemoteNotOnList = "remote_not_on_list",
        RemoteNotRemoteStation = "remote_not_remote_station",
        RemoteAlreadyApplied = "remote_already_applied",
        RemoteUnknownApplication = "remote_unknown_application",
        RemoteWrongStatus = "remote_wrong_status",
        RemoteStationFull = "remote_station_full",
        RemoteReasonRequired = "remote_reason_required",
        ClaimBadId = "claim_bad_id",
        ClaimUnknown = "claim_unknown",
        ClaimNotInRegister = "claim_not_in_register",
        ClaimUnknownStation = "claim_unknown_station",
        ClaimStationNotForClaims = "claim_station_not_for_claims",
        ClaimAlreadyListed = "claim_already_listed",
        ClaimWrongStation = "claim_wrong_station",
        ClaimAddressServedElsewhere = "claim_address_served_elsewhere",
        ClaimAddressOutsideArea = "claim_address_outside_area",
        ClaimOtherCouncil = "claim_other_council",
        ClaimOwnClaim = "claim_own_claim",
        ClaimAlreadyOpen = "claim_already_open",
        ClaimAlreadyDecided = "claim_already_decided",
        ClaimEmptyCorrection = "claim_empty_correction",
        ClaimEmptyText = "claim_empty_text",
        ClaimTextTooLong = "claim_text_too_long",
        ClaimReasonRequired = "claim_reason_required",
        ClaimBadDecision = "claim_bad_decision",
        ClaimCopyMissing = "claim_copy_missing",
        ClaimCopyTooLarge = "claim_copy_too_large",
        ClaimCopyNotRecognised = "claim_copy_not_recognised",
        ClaimCopyMalformed = "claim_copy_malformed",
        VotingClosed = "voting_closed",
        // --- the app: the complaints registry (CMP-05, CMP-06) ---
        ComplaintBadId = "complaint_bad_id",
        ComplaintUnknown = "complaint_unknown",
        ComplaintUnknownStation = "complaint_unknown_station",
        ComplaintStationOutsideCommission = "complaint_station_outside_commission",
        ComplaintUnknownNomination = "complaint_unknown_nomination",
        ComplaintUnknownClaim = "complaint_unknown_claim",
        ComplaintOwn = "complaint_own",
        ComplaintAssigneeNotMember = "complaint_assignee_not_member",
        ComplaintAlreadyDecided = "complaint_already_decided",
        ComplaintNotDecided = "complaint_not_decided",
        ComplaintNoFurtherAppeal = "complaint_no_further_appeal",
        ComplaintCourtRequired = "complaint_court_required",
        ComplaintNotInCourt = "complaint_not_in_court",
        ComplaintInCourt = "complaint_in_court",
        ComplaintNotTheComplainant = "complaint_not_the_complainant",
        ComplaintEmptyText = "complaint_empty_text",
        ComplaintBadText = "complaint_bad_text",
        ComplaintDocumentMissing = "complaint_document_missing",
        ComplaintDocumentTooLarge = "complaint_document_too_large",
        ComplaintDocumentNotRecognised = "complaint_document_not_recognised",
        ComplaintUnknownValue = "complaint_unknown_value",
        // --- the app: media accreditation (CMP-01…CMP-03) ---
        MediaBadId = "media_bad_id",
        MediaUnknownOutlet = "media_unknown_outlet",
        MediaNoPrices = "media_no_prices",
        MediaPriceBreaches = "media_price_breaches",
        MediaAlreadyDecided = "media_already_decided",
        MediaNotAccredited = "media_not_accredited",
        MediaOwnApplication = "media_own_application",
        MediaEmptyText = "media_empty_text",
        MediaBadText = "media_bad_text",
        // --- i16-badges: journalists' badges (CMP-01) ---
        MediaBadgeUnknown = "media_badge_unknown",
        MediaBadgeOutletNotAccredited = "media_badge_outlet_not_accredited",
        MediaBadgeAlreadyRevoked = "media_badge_already_revoked",
        MediaBadgeNoKey = "media_badge_no_key",
        // --- i16-badges: places for campaign material (CAL-06) ---
        CampaignPlaceEmpty = "campaign_place_empty",
        CampaignPlaceBadText = "campaign_place_bad_text",
        // --- the app: election funds (CMP-04) ---
        FundUnknownNomination = "fund_unknown_nomination",
        FundRuleBreach = "fund_rule_breach",
        FundBadStatement = "fund_bad_statement",
        FundBadMovement = "fund_bad_movement",
        FundReportAlreadySubmitted = "fund_report_already_submitted",
        FundReportTooEarly = "fund_report_too_early",
        // --- the app: violation reports (CMP-07) ---
        ViolationUnknown = "violation_unknown",
        ViolationBadTrackingCode = "violation_bad_tracking_code",
        ViolationEmptyText = "violation_empty_text",
        ViolationBadText = "violation_bad_text",
        ViolationUnknownStation = "violation_unknown_station",
        ViolationPlaceRequired = "violation_place_required",
        ViolationTerritoryRequired = "violation_territory_required",
        ViolationUnknownCommission = "violation_unknown_commission",
        ViolationAssigneeNotInGroup = "violation_assignee_not_in_group",
        ViolationStatusNotAllowed = "violation_status_not_allowed",
        ViolationOwnReport = "violation_own_report",
        ViolationEvidenceTooLarge = "violation_evidence_too_large",
        ViolationEvidenceNotRecognised = "violation_evidence_not_recognised",
        ViolationUnknownValue = "violation_unknown_value",
        ViolationBadSignature = "violation_bad_signature",
        ViolationWebhookOff = "violation_webhook_off",
        // --- the app: district schemes ---
        CouncilNotAiyl = "council_not_aiyl",
        CouncilNoElection = "council_no_election",
        CouncilNoUnits = "council_no_units",
        SchemeMissing = "scheme_missing",
        SchemeInvalid = "scheme_invalid",
        SchemeCommentRequired = "scheme_comment_required",
        SchemeStepNotAllowed = "scheme_step_not_allowed",
        // --- the app: results (entry, acceptance, determination, RES-01…RES-11) ---
        ResultsContestNotHeld = "results_contest_not_held",
        /// CAL-16/CAL-17: protocols are entered from the close of voting until the deadline.
        ResultsEntryClosed = "results_entry_closed",
        ResultsDeterminationClosed = "results_determination_closed",
        ResultsBallotUnavailable = "results_ballot_unavailable",
        ResultsIncomplete = "results_incomplete",
        ResultsBadLots = "results_bad_lots",
        // i15-scan-map: the scan or photo of a signed paper protocol.
        ResultsScanMissing = "results_scan_missing",
        ResultsScanTooLarge = "results_scan_too_large",
        ResultsScanNotRecognised = "results_scan_not_recognised",
        // --- the app: the voter cabinet and its adapters (registries, SMS) ---
        CabinetNotConfirmed = "cabinet_not_confirmed",
        CabinetNoPhone = "cabinet_no_phone",
        CabinetBadCode = "cabinet_bad_code",
        CabinetWrongCode = "cabinet_wrong_code",
        CabinetTooManyAttempts = "cabinet_too_many_attempts",
        CabinetCodeExpired = "cabinet_code_expired",
        RegistryUnavailable = "registry_unavailable",
        RegistryTimeout = "registry_timeout",
        RegistryProtocol = "registry_protocol",
        SmsUnavailable = "sms_unavailable",
        SmsTimeout = "sms_timeout",
        SmsRejected = "sms_rejected",
        // --- the registries' configuration ---
        RegistryBadUrl = "registry_bad_url",
        RegistryClient = "registry_client",
        XroadBadClient = "xroad_bad_client",
        XroadBadService = "xroad_bad_service",
        // --- the files: results protocols (`protocols.jsonl`) ---
        /// A line of a protocols file that is not a protocol.
        MalformedProtocol = "malformed_protocol",
        // --- printed voter lists ---
        PrintFailed = "print_failed",
        BadListVariant = "bad_list_variant",
        BadLang = "bad_lang",
        // --- the web: requests, sessions, pages ---
        BadParameter = "bad_parameter",
        BadForm = "bad_form",
        ForbiddenCharacter = "forbidden_character",
        NotUtf8 = "not_utf8",
        NotJson = "not_json",
        BadJson = "bad_json",
        BodyTooLarge = "body_too_large",
        MissingField = "missing_field",
        BadStationNumber = "bad_station_number",
        BadId = "bad_id",
        BadDate = "bad_date",
        BadTime = "bad_time",
        Required = "required",
        NotFound = "not_found",
        LoginRequired = "login_required",
        CsrfFailed = "csrf_failed",
        Throttled = "throttled",
        WrongCredentials = "wrong_credentials",
        UnknownRule = "unknown_rule",
        Internal = "internal",
        RateLimited = "rate_limited",
        VoterNotFound = "voter_not_found",
        NotOnList = "not_on_list",
        NotOnThisList = "not_on_this_list",
        AlreadyVoted = "already_voted",
        CabinetUnavailable = "cabinet_unavailable",
        RegisterJobRunning = "register_job_running",
        RegisterNotMultipart = "register_not_multipart",
        RegisterNoFile = "register_no_file",
        RegisterUploadFailed = "register_upload_failed",
        RegisterUploadTooLarge = "register_upload_too_large",
        RegisterJobInterrupted = "register_job_interrupted",
        RegisterConfirmationRequired = "register_confirmation_required",
        RegisterDifferenceChanged = "register_difference_changed",
        RegisterBadDifference = "register_bad_difference",
        RegisterRemovalOverLimit = "register_removal_over_limit",
        RegisterUnknownSettlement = "register_unknown_settlement",
        RegisterListsCompiledFor = "register_lists_compiled_for",
        RegisterPreviewGone = "register_preview_gone",
        // --- i16-cases2: the public complaints registry's search limit ---
        ComplaintSearchRateLimited = "complaint_search_rate_limited",
    }
}

impl ErrorCode {
    /// The Fluent key of the code's message: `error-<code>`.
    pub fn message_key(self) -> String {
        format!("error-{}", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_code_is_one_distinct_snake_case_string_that_round_trips() {
        let strings: BTreeSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            strings.len(),
            ErrorCode::ALL.len(),
            "two codes share a string"
        );
        for &code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(
                !text.is_empty()
                    && text
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{text}"
            );
            assert_eq!(ErrorCode::parse(text), Some(code));
            assert_eq!(text.parse::<ErrorCode>(), Ok(code));
            assert_eq!(code.to_string(), text);
            let json = serde_json::to_string(&code).unwrap_or_default();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).ok(), Some(code));
        }
        assert!(ErrorCode::parse("no_such_code").is_none());
        assert!(serde_json::from_str::<ErrorCode>("\"no_such_code\"").is_err());
    }
}
