# Как сотрудник находит свои разделы: меню сотрудника, страница отказа и полномочия словами
# (таблица полномочий, shailoo_app::authz). Русский.

nav-staff = Меню сотрудника
menu-override = Перенести срок
menu-rule-parameters = Параметры правил
menu-accessibility = Доступность участков
menu-district-drafts = Схемы округов
menu-district-review = Рассмотрение схем округов
menu-remote-voting = Дистанционное голосование
menu-claims = Заявления об уточнении списков
menu-check-in = Отметка избирателей

page-error-back = Вернуться на предыдущую страницу
page-error-staff-menu = Ваши разделы
refusal-role = Ваша учётная запись ({ $role }) не может { $action }.
refusal-outside = Ваша учётная запись ({ $role }) может { $action } только в пределах своей комиссии, а это относится к другой комиссии.
refusal-who = Кто может: { $holders }.
refusal-grant-cec_admin-anywhere = администраторы ЦИК — везде
refusal-grant-cec_admin-below = администраторы ЦИК
refusal-grant-tec_member-anywhere = члены ТИК — везде
refusal-grant-tec_member-below = члены ТИК — на своей территории
refusal-grant-pec_member-anywhere = члены УИК — везде
refusal-grant-pec_member-below = члены УИК — на своём участке
refusal-grant-party_representative-own-party = уполномоченный представитель партии, для выдвижений своей партии
refusal-grant-none = На сайте этого не может ни одна учётная запись: это делает оператор в командной строке.

power-add-station = добавлять избирательный участок
power-override-deadline = переносить срок календаря выборов
power-add-user = создавать учётные записи сотрудников
power-view-register = просматривать страницу реестра избирателей
power-import-register = загружать выписку из регистра населения
power-view-register-jobs = следить за загрузкой реестра и составлением списков
power-compile-lists = составлять списки избирателей
power-publish-lists = публиковать предварительные списки избирателей
power-post-lists = отмечать вывешивание списков на участках
power-freeze-lists = окончательно закреплять списки избирателей
power-print-voter-list = печатать список избирателей участка
power-draft-districts = составлять и представлять схему округов
power-view-district-drafts = просматривать проекты схем округов
power-decide-districts = утверждать или возвращать схему округов
power-view-remote-applications = просматривать заявления о дистанционном голосовании
power-file-remote-application = подавать или отзывать заявление о дистанционном голосовании за избирателя
power-decide-remote-application = одобрять или отклонять заявление о дистанционном голосовании
power-set-remote-capacity = устанавливать число мест участка для дистанционного голосования
power-file-claim = подавать заявление об уточнении списка
power-decide-claim = решать по заявлению об уточнении списка
power-view-claims = просматривать заявления об уточнении списков
power-view-amendments = просматривать историю изменений записи избирателя
power-view-passport-copy = открывать копию паспорта из заявления
power-check-in-voters = отмечать избирателей в день голосования
power-record-access-survey = вносить результаты обследования помещения участка
power-view-access-overview = видеть, чего на участках не хватает избирателям с инвалидностью
power-set-rule-parameters = устанавливать параметры правил выборов
power-manage-parties = регистрировать политические партии
power-add-party-representative = аккредитовать уполномоченного представителя партии
power-file-nomination = готовить и представлять выдвижения партии
power-withdraw-nomination = отзывать выдвижение или кандидата из него
power-view-nominations = просматривать выдвижения с проверками и документами
power-decide-nomination = регистрировать выдвижение или отказывать в регистрации
power-recheck-nomination = повторять проверки выдвижения по реестрам
power-cancel-registration = отменять регистрацию кандидата
power-set-ballot-order = устанавливать порядок партий в бюллетене
power-file-complaint = внести жалобу или апелляцию, поданную на бумаге
power-assign-complaint = поручить жалобу члену комиссии
power-decide-complaint = рассмотреть жалобу, поданную в комиссию
power-record-court-act = внести обращение в суд и судебный акт
power-view-complaints = видеть жалобы с именем и контактами заявителя
power-file-media-application = внести заявление СМИ об аккредитации
power-decide-media-accreditation = аккредитовать СМИ, отказать в аккредитации или отозвать её
# i16-badges
power-issue-media-badges = регистрировать журналистов аккредитованного СМИ, выдавать, печатать и отзывать их удостоверения
power-record-campaign-places = отмечать места для печатных агитационных материалов на избирательных участках
power-enter-protocol = вводить протокол участковой комиссии об итогах голосования
power-decide-protocol = принимать, возвращать или исправлять протокол об итогах голосования
power-determine-results = определять результаты выборов в кенеш
power-import-protocols = загружать принятые протоколы об итогах голосования из файла
power-import-preliminary-results = загружать предварительные данные автоматически считывающих урн

checkin-entry-intro = Выберите участок, избирателей которого вы отмечаете в день голосования.
checkin-entry-station = Номер избирательного участка
checkin-entry-go = Открыть
districts-drafts-intro = Айылные кенеши, схемы округов которых вы составляете или просматриваете, и состояние каждой схемы.
districts-drafts-empty = В вашей зоне нет айылных кенешей.

override-decision = Номер постановления ЦИК
override-decision-hint = Номер постановления ЦИК, которым переносится срок, как в самом постановлении (например 12/345-р).
calendar-overridden-by = изменён постановлением ЦИК № { $decision }
error-bad_decision_number = Укажите номер постановления ЦИК: от 1 до 40 знаков.

# Избирательные фонды и сообщения о нарушениях (CMP-04, CMP-07).
menu-funds = Избирательные фонды
menu-violations = Сообщения о нарушениях
power-keep-fund-accounts = вести учёт избирательного фонда и сдавать его отчёты
power-take-violation-report = принимать сообщения о нарушениях с горячей линии 1255, по почте и лично
power-handle-violation-report = распределять, поручать и закрывать сообщения о нарушениях
# i15-public: the public results log and open data
power-publish-results = подписывать публичный журнал итогов и выгружать открытые данные
