# Реестр жалоб (CMP-05, CMP-06): жалобы и апелляции, решения по ним и сроки.

error-complaint_filed_too_late = Срок подачи истёк: жалоба или апелляция подаётся в течение дней, установленных законом после обжалуемого акта (CMP-06).
error-complaint_act_date_required = В жалобе на решение или действие указывается дата обжалуемого акта.
error-complaint_act_in_future = Дата обжалуемого акта позже сегодняшнего дня.
error-complaint_before_calling = Акт датирован днём до назначения выборов: это не акт этих выборов.
error-complaint_bad_id = Такой жалобы нет.
error-complaint_unknown = Такой жалобы нет.
error-complaint_unknown_station = Избирательного участка с таким номером нет.
error-complaint_station_outside_commission = Этот избирательный участок не входит в территорию комиссии, на которую подана жалоба.
error-complaint_unknown_nomination = Такого выдвижения на этих выборах нет.
error-complaint_unknown_claim = Такого заявления по списку избирателей на этих выборах нет.
error-complaint_own = Эту жалобу или апелляцию внесли вы: поручить её и рассмотреть должен другой член комиссии.
error-complaint_assignee_not_member = Жалоба поручается члену комиссии, которая её рассматривает.
error-complaint_already_decided = По этому этапу решение уже принято.
error-complaint_not_decided = По жалобе ещё нет решения: обжаловать нечего.
error-complaint_no_further_appeal = Судебный акт — последний этап: дальнейшее обжалование здесь не ведётся (CMP-06).
error-complaint_court_required = В апелляции на решение ЦИК указывается суд, в который она подаётся (CMP-06).
error-complaint_not_in_court = Этот этап рассматривает комиссия: внесите её решение, а не судебный акт.
error-complaint_in_court = Этот этап рассматривает суд: внесите судебный акт.
error-complaint_not_the_complainant = Решение по жалобе обжалует только заявитель.
error-complaint_empty_text = Текстовое поле не заполнено.
error-complaint_bad_text = Текстовое поле слишком длинное (не более 4000 знаков) или содержит управляющие символы.
error-complaint_document_missing = Приложите документ решения.
error-complaint_document_too_large = Документ больше 5 МБ.
error-complaint_document_not_recognised = Документ не является файлом PDF, JPEG или PNG (проверено содержимое файла, а не его имя).
error-complaint_unknown_value = Выбранное значение не входит в предложенные.
