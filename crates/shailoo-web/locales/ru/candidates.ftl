# Кандидаты (CAN-01…CAN-10) и бюллетени (RES-02): русский язык.
# The refusals of the candidate rules and of the candidacy use cases ("error-<code>",
# shailoo_domain::ErrorCode).

# The domain: parties, registry evidence, names, checks.
error-party_registration_number_empty = Укажите регистрационный номер партии.
error-party_registration_number_too_long = Регистрационный номер партии — не более 32 символов.
error-party_registration_number_bad_character = Регистрационный номер партии состоит только из букв, цифр, «-», «/» и «.».
error-evidence_bad_request_id = Идентификатор запроса к реестру — от 1 до 128 видимых символов ASCII.
error-evidence_bad_digest = Дайджест ответа — 64 шестнадцатеричные цифры (BLAKE3-256).
error-name_missing = Фамилия и имя обязательны.
error-name_too_long = Каждая часть имени — не более 100 символов.
error-name_control_character = Имя не может содержать управляющие символы.
error-check_missing_answers = Нет ответов реестров об этом кандидате.
error-check_not_filed = Документы этого кандидата ещё не поданы.
error-check_party_mismatch = Указанная партия не является выдвинувшей.
error-check_missing_party_membership = Для кандидата от партии нужен ответ реестра членства в партиях.

# The use cases (shailoo_app::candidates), the workflow and the ballots.
error-duplicate_party = Партия с таким идентификатором или регистрационным номером уже зарегистрирована.
error-candidacy_ineligible = Кандидата нельзя выдвинуть: этому препятствует названное ниже правило.
error-candidacy_check_input = Проверки по этому выдвижению не удалось собрать; запустите их снова.
error-candidacy_bad_id = Это не номер выдвижения.
error-candidacy_unknown_nomination = Такого выдвижения в этих выборах нет.
error-candidacy_unknown_party = Такой зарегистрированной партии нет.
error-candidacy_council_not_in_election = Этот кенеш не избирается на этих выборах.
error-candidacy_unknown_district = Это не округ утверждённой схемы кенеша (CAN-03).
error-candidacy_list_already_open = У партии уже есть список в этот кенеш (CAN-03).
error-candidacy_not_own_community = Самовыдвиженец баллотируется только в округе своего местного сообщества (CAN-01).
error-candidacy_not_the_voter = В кабинете избирателя можно выдвинуть только себя.
error-candidacy_checks_pending = Некоторые кандидаты ещё не проверены: без ответов реестров решение не принимается.
error-candidacy_ground_not_shown = Ни одна непройденная проверка не подтверждает это основание: отказ опирается на доказательства (CAN-08, CAN-09).
error-candidacy_changed_while_checked = Выдвижение изменилось во время проверки; запустите проверки снова.
error-candidacy_document_missing = Нужен документ.
error-candidacy_document_too_large = Документ больше 5 МБ.
error-candidacy_document_not_recognised = Документ не является файлом PDF, JPEG или PNG.
error-candidacy_document_wrong_type = Этот вид документа не принимается в таком формате (фото — JPEG или PNG, программа — PDF).
error-candidacy_document_misplaced = Этот документ сюда не относится (документ кандидата требует кандидата; решение партии — к выдвижению партии).
error-candidacy_text_too_long = Текст слишком длинный или содержит управляющие символы.
error-candidacy_decision_overdue = Срок решения ТИК истёк (CAN-09: в течение 10 дней после подачи и до окончания регистрации).
error-candidacy_withdrawal_closed = Срок отзыва истёк (CAN-09).
error-candidacy_cancellation_closed = Регистрацию уже нельзя отменить: голосование завершено.
error-candidacy_wrong_contest = В городские кенеши выдвигаются партийные списки, в айыльные — кандидаты по округам (CAN-03).
error-candidacy_list_composition = Список нарушает CAN-06: кандидатов больше, чем мест, или доля одного пола выше допустимой.
error-candidacy_one_candidate_only = Выдвижение по округу содержит ровно одного кандидата.
error-candidacy_empty = В выдвижении нет кандидатов.
error-candidacy_last_candidate = Это последний кандидат списка: отзовите весь список.
error-candidacy_unknown_candidate = В этом выдвижении нет такого кандидата.
error-candidacy_duplicate_id = Такой идентификатор кандидата в выдвижении уже занят.
error-candidacy_bad_order = Новый порядок должен называть каждого кандидата один раз.
error-candidacy_stale = Выдвижение изменилось после показа; проверьте его и подайте снова.
error-candidacy_checks_not_cleared = Не все проверки пройдены: выдвижение пока нельзя зарегистрировать.
error-candidacy_report_mismatch = Результаты проверок не соответствуют кандидатам выдвижения.
error-candidacy_lists_only = Этот шаг относится только к городским спискам.
error-candidacy_not_the_nominator = Кандидат не может отозвать партийный список; это может только партия.
error-candidacy_note_required = Для отмены нужна пометка с решением, на котором она основана.
error-candidacy_step_not_allowed = Этот шаг невозможен для выдвижения в его нынешнем статусе.
error-candidate_unknown_pin = В реестре населения нет человека с таким ПИН.
error-candidate_answer_for_another_pin = Реестр населения ответил о другом человеке; попробуйте позже.
error-candidate_pin_contradicts_registry = ПИН противоречит полу или дате рождения в реестре: об ошибке данных нужно сообщить в реестр.
error-ballot_registration_open = Регистрация ещё идёт: бюллетень утверждается после её окончания (RES-02).
error-ballot_wrong_council_kind = Этот бюллетень не для такого вида кенеша.
error-ballot_order_mismatch = Порядок должен называть каждую партию с зарегистрированным списком ровно один раз.
error-ballot_unknown_party = Партия бюллетеня неизвестна.
error-ballot_duplicate_list = У партии больше одного зарегистрированного списка в этот кенеш.
error-ballot_unknown_district = Зарегистрированное выдвижение называет округ, которого у кенеша нет.
