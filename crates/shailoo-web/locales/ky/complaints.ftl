# Даттануулардын реестри (CMP-05, CMP-06): даттануулар жана апелляциялар, алар боюнча чечимдер жана мөөнөттөр.

error-complaint_filed_too_late = Берүү мөөнөтү өтүп кетти: даттануу же апелляция актыдан кийин мыйзам белгилеген күндөрдүн ичинде берилет (CMP-06).
error-complaint_act_date_required = Чечимге же аракетке даттанууда актынын датасы көрсөтүлөт.
error-complaint_act_in_future = Актынын датасы бүгүнкү күндөн кийин.
error-complaint_before_calling = Акт шайлоо дайындалганга чейинки күн менен белгиленген: ал бул шайлоонун актысы эмес.
error-complaint_bad_id = Мындай даттануу жок.
error-complaint_unknown = Мындай даттануу жок.
error-complaint_unknown_station = Мындай номердеги шайлоо участогу жок.
error-complaint_station_outside_commission = Бул шайлоо участогу даттануу берилген комиссиянын аймагына кирбейт.
error-complaint_unknown_nomination = Бул шайлоодо мындай көрсөтүү жок.
error-complaint_unknown_claim = Бул шайлоодо шайлоочулардын тизмеси боюнча мындай арыз жок.
error-complaint_own = Бул даттанууну же апелляцияны сиз киргиздиңиз: аны комиссиянын башка мүчөсү алып, карашы керек.
error-complaint_assignee_not_member = Даттануу аны караган комиссиянын мүчөсүнө гана тапшырылат.
error-complaint_already_decided = Бул этап боюнча чечим кабыл алынган.
error-complaint_not_decided = Даттануу боюнча чечим азырынча жок: даттана турган эч нерсе жок.
error-complaint_no_further_appeal = Соттун актысы акыркы этап: мындан ары бул жерде даттанылбайт (CMP-06).
error-complaint_court_required = БШКнын чечимине апелляцияда ал берилген сот көрсөтүлөт (CMP-06).
error-complaint_not_in_court = Бул этапты комиссия карайт: соттун актысын эмес, комиссиянын чечимин киргизиңиз.
error-complaint_in_court = Бул этапты сот карайт: соттун актысын киргизиңиз.
error-complaint_not_the_complainant = Даттануу боюнча чечимге арыз берүүчү гана даттанат.
error-complaint_empty_text = Текст талаасы толтурулган жок.
error-complaint_bad_text = Текст талаасы өтө узун (4000 белгиден ашпашы керек) же башкаруучу белгилерди камтыйт.
error-complaint_document_missing = Чечимдин документин тиркеңиз.
error-complaint_document_too_large = Документ 5 МБдан чоң.
error-complaint_document_not_recognised = Документ PDF, JPEG же PNG файлы эмес (файлдын аты эмес, мазмуну текшерилди).
error-complaint_unknown_value = Тандалган маани сунушталгандардын арасында жок.
