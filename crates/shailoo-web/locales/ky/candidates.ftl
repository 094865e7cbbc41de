# Талапкерлер (CAN-01…CAN-10) жана бюллетендер (RES-02): кыргыз тили.
# The refusals of the candidate rules and of the candidacy use cases ("error-<code>",
# shailoo_domain::ErrorCode).

# The domain: parties, registry evidence, names, checks.
error-party_registration_number_empty = Партиянын каттоо номерин жазыңыз.
error-party_registration_number_too_long = Партиянын каттоо номери 32 белгиден ашпайт.
error-party_registration_number_bad_character = Партиянын каттоо номеринде тамгалар, сандар, «-», «/» жана «.» гана болот.
error-evidence_bad_request_id = Реестрге суроо-талаптын идентификатору 1ден 128ге чейин көрүнүүчү ASCII белгиден турат.
error-evidence_bad_digest = Жооптун дайджести 64 он алтылык сандан турат (BLAKE3-256).
error-name_missing = Фамилиясы жана аты милдеттүү.
error-name_too_long = Аттын ар бир бөлүгү 100 белгиден ашпайт.
error-name_control_character = Атта башкаруучу белгилер болбошу керек.
error-check_missing_answers = Бул талапкер боюнча реестрлердин жооптору жок.
error-check_not_filed = Бул талапкердин документтери тапшырыла элек.
error-check_party_mismatch = Көрсөтүлгөн партия талапкерди көрсөткөн партия эмес.
error-check_missing_party_membership = Партия көрсөткөн талапкер үчүн партиялык мүчөлүк реестринин жообу керек.

# The use cases (shailoo_app::candidates), the workflow and the ballots.
error-duplicate_party = Мындай идентификатору же каттоо номери бар партия мурунтан катталган.
error-candidacy_ineligible = Талапкерди көрсөтүүгө болбойт: төмөндө аталган эреже тыюу салат.
error-candidacy_check_input = Бул көрсөтүү боюнча текшерүүлөрдү чогултуу мүмкүн болгон жок; аларды кайра иштетиңиз.
error-candidacy_bad_id = Бул көрсөтүүнүн номери эмес.
error-candidacy_unknown_nomination = Бул шайлоодо мындай көрсөтүү жок.
error-candidacy_unknown_party = Мындай катталган партия жок.
error-candidacy_council_not_in_election = Бул кеңеш бул шайлоодо шайланбайт.
error-candidacy_unknown_district = Бул кеңештин бекитилген схемасынын округу эмес (CAN-03).
error-candidacy_list_already_open = Партиянын бул кеңешке тизмеси мурунтан бар (CAN-03).
error-candidacy_not_own_community = Өзүн-өзү көрсөткөн талапкер өзүнүн жергиликтүү коомдоштугунун округунда гана ат салыша алат (CAN-01).
error-candidacy_not_the_voter = Шайлоочунун кабинетинде өзүңүздү гана көрсөтө аласыз.
error-candidacy_checks_pending = Айрым талапкерлер али текшерилген жок: реестрлердин жооптору жок чечим кабыл алынбайт.
error-candidacy_ground_not_shown = Бул негизди өтпөй калган бир да текшерүү көрсөтпөйт: баш тартуу далилге таянат (CAN-08, CAN-09).
error-candidacy_changed_while_checked = Көрсөтүү текшерилип жатканда өзгөрдү; текшерүүлөрдү кайра иштетиңиз.
error-candidacy_document_missing = Документ керек.
error-candidacy_document_too_large = Документ 5 МБдан чоң.
error-candidacy_document_not_recognised = Документ PDF, JPEG же PNG файлы эмес.
error-candidacy_document_wrong_type = Документтин бул түрү мындай форматта кабыл алынбайт (сүрөт — JPEG же PNG, программа — PDF).
error-candidacy_document_misplaced = Бул документ бул жерге таандык эмес (талапкердин документине талапкер керек; партиянын чечими партиянын көрсөтүүсүнө гана).
error-candidacy_text_too_long = Текст өтө узун же башкаруучу белгилерди камтыйт.
error-candidacy_decision_overdue = АШКнын чечиминин мөөнөтү өттү (CAN-09: берилгенден кийин 10 күндүн ичинде жана каттоо бүткөнгө чейин).
error-candidacy_withdrawal_closed = Кайра чакыртып алуунун мөөнөтү бүттү (CAN-09).
error-candidacy_cancellation_closed = Каттоону мындан ары жокко чыгарууга болбойт: добуш берүү бүттү.
error-candidacy_wrong_contest = Шаардык кеңештерге партиялык тизмелер, айылдык кеңештерге округдар боюнча талапкерлер көрсөтүлөт (CAN-03).
error-candidacy_list_composition = Тизме CAN-06ны бузат: талапкерлер орундардан көп, же бир жыныстын үлүшү жол берилгенден жогору.
error-candidacy_one_candidate_only = Округ боюнча көрсөтүүдө так бир талапкер болот.
error-candidacy_empty = Көрсөтүүдө талапкер жок.
error-candidacy_last_candidate = Бул тизменин акыркы талапкери: бүт тизмени кайра чакыртып алыңыз.
error-candidacy_unknown_candidate = Бул көрсөтүүдө мындай талапкер жок.
error-candidacy_duplicate_id = Талапкердин мындай идентификатору көрсөтүүдө мурунтан колдонулган.
error-candidacy_bad_order = Жаңы тартипте ар бир талапкер бир жолу аталышы керек.
error-candidacy_stale = Көрсөтүү көрсөтүлгөндөн бери өзгөрдү; аны карап чыгып, кайра бериңиз.
error-candidacy_checks_not_cleared = Бардык текшерүүлөр өткөн жок: көрсөтүүнү азырынча каттоого болбойт.
error-candidacy_report_mismatch = Текшерүүлөрдүн жыйынтыктары көрсөтүүнүн талапкерлерине дал келбейт.
error-candidacy_lists_only = Бул кадам шаардык тизмелерге гана тиешелүү.
error-candidacy_not_the_nominator = Талапкер партиялык тизмени кайра чакыртып ала албайт; аны партия гана кыла алат.
error-candidacy_note_required = Жокко чыгаруу үчүн ал таянган чечим аталган белги керек.
error-candidacy_step_not_allowed = Учурдагы статусундагы көрсөтүү үчүн бул кадам мүмкүн эмес.
error-candidate_unknown_pin = Калк реестринде мындай ПИНи бар адам жок.
error-candidate_answer_for_another_pin = Калк реестри башка адам жөнүндө жооп берди; кийинчерээк аракет кылыңыз.
error-candidate_pin_contradicts_registry = ПИН реестрдеги жынысына же туулган күнүнө карама-каршы келет: маалыматтагы катаны реестрге билдирүү керек.
error-ballot_registration_open = Каттоо али жүрүп жатат: бюллетень каттоо бүткөндөн кийин бекитилет (RES-02).
error-ballot_wrong_council_kind = Бул бюллетень мындай түрдөгү кеңеш үчүн эмес.
error-ballot_order_mismatch = Тартипте катталган тизмеси бар ар бир партия так бир жолу аталышы керек.
error-ballot_unknown_party = Бюллетендеги партия белгисиз.
error-ballot_duplicate_list = Партиянын бул кеңешке бирден ашык катталган тизмеси бар.
error-ballot_unknown_district = Катталган көрсөтүү кеңеште жок округду атайт.
