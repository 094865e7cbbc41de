# Кызматкер өз бөлүмдөрүн кантип табат: кызматкердин менюсу, баш тартуу барагы жана ыйгарым
# укуктар сөз менен (укуктардын таблицасы, shailoo_app::authz). Кыргызча.

nav-staff = Кызматкердин менюсу
menu-override = Мөөнөттү жылдыруу
menu-rule-parameters = Эрежелердин параметрлери
menu-accessibility = Участоктордун жеткиликтүүлүгү
menu-district-drafts = Округдардын схемалары
menu-district-review = Округдардын схемаларын кароо
menu-remote-voting = Аралыктан добуш берүү
menu-claims = Тизмелерди тактоо боюнча арыздар
menu-check-in = Шайлоочуларды белгилөө

page-error-back = Мурунку бетке кайтуу
page-error-staff-menu = Сиздин бөлүмдөр
refusal-role = Сиздин эсептик жазууңуз ({ $role }) { $action } укугуна ээ эмес.
refusal-outside = Сиздин эсептик жазууңуз ({ $role }) { $action } укугуна өз комиссиясынын аймагында гана ээ, ал эми бул башка комиссияга тиешелүү.
refusal-who = Ким жасай алат: { $holders }.
refusal-grant-cec_admin-anywhere = БШКнын администраторлору — бардык жерде
refusal-grant-cec_admin-below = БШКнын администраторлору
refusal-grant-tec_member-anywhere = АШКнын мүчөлөрү — бардык жерде
refusal-grant-tec_member-below = АШКнын мүчөлөрү — өз аймагында
refusal-grant-pec_member-anywhere = УШКнын мүчөлөрү — бардык жерде
refusal-grant-pec_member-below = УШКнын мүчөлөрү — өз участогунда
refusal-grant-party_representative-own-party = партиянын ыйгарым укуктуу өкүлү, өз партиясынын талапкерлери үчүн
refusal-grant-none = Муну сайтта эч бир эсептик жазуу жасай албайт: аны оператор буйрук сабында аткарат.

power-add-station = шайлоо участогун кошуу
power-override-deadline = шайлоо календарынын мөөнөтүн жылдыруу
power-add-user = кызматкерлердин эсептик жазууларын түзүү
power-view-register = шайлоочулар реестринин барагын көрүү
power-import-register = калк каттоосунан көчүрмөнү жүктөө
power-view-register-jobs = реестрди жүктөөнү жана тизмелерди түзүүнү көзөмөлдөө
power-compile-lists = шайлоочулардын тизмелерин түзүү
power-publish-lists = шайлоочулардын алдын ала тизмелерин жарыялоо
power-post-lists = тизмелердин участоктордо илингенин белгилөө
power-freeze-lists = шайлоочулардын тизмелерин акыркы жолу бекитүү
power-print-voter-list = участоктун шайлоочулар тизмесин басып чыгаруу
power-draft-districts = округдардын схемасын түзүү жана тапшыруу
power-view-district-drafts = округдардын схемаларынын долбоорлорун көрүү
power-decide-districts = округдардын схемасын бекитүү же кайтаруу
power-view-remote-applications = аралыктан добуш берүүгө арыздарды көрүү
power-file-remote-application = шайлоочунун атынан аралыктан добуш берүүгө арыз берүү же аны кайтарып алуу
power-decide-remote-application = аралыктан добуш берүүгө арызды жактыруу же четке кагуу
power-set-remote-capacity = аралыктан добуш берүү участогунун орундарынын санын белгилөө
power-file-claim = тизмени тактоо боюнча арыз берүү
power-decide-claim = тизмени тактоо боюнча арызды чечүү
power-view-claims = тизмелерди тактоо боюнча арыздарды көрүү
power-view-amendments = шайлоочунун жазуусундагы өзгөртүүлөрдүн тарыхын көрүү
power-view-passport-copy = арыздагы паспорттун көчүрмөсүн ачуу
power-check-in-voters = добуш берүү күнү шайлоочуларды белгилөө
power-record-access-survey = участоктун жайын текшерүүнүн жыйынтыгын киргизүү
power-view-access-overview = майыптыгы бар шайлоочуларга участоктордо эмне жетишпегенин көрүү
power-set-rule-parameters = шайлоонун эрежелеринин параметрлерин белгилөө
power-manage-parties = саясий партияларды каттоо
power-add-party-representative = партиянын ыйгарым укуктуу өкүлүн аккредитациялоо
power-file-nomination = партиянын талапкерлерин көрсөтүүнү даярдоо жана тапшыруу
power-withdraw-nomination = көрсөтүүнү же андагы талапкерди кайтарып алуу
power-view-nominations = көрсөтүүлөрдү текшерүүлөрү жана документтери менен көрүү
power-decide-nomination = көрсөтүүнү каттоо же каттоодон баш тартуу
power-recheck-nomination = көрсөтүүнү реестрлер боюнча кайра текшерүү
power-cancel-registration = талапкердин каттоосун жокко чыгаруу
power-set-ballot-order = бюллетендеги партиялардын тартибин белгилөө
power-file-complaint = кагаз жүзүндө берилген даттанууну же апелляцияны киргизүү
power-assign-complaint = даттанууну комиссиянын мүчөсүнө тапшыруу
power-decide-complaint = комиссияга берилген даттанууну кароо
power-record-court-act = сотко кайрылууну жана соттун актысын киргизүү
power-view-complaints = даттанууларды арыз берүүчүнүн аты жана байланыштары менен көрүү
power-file-media-application = ЖМКнын аккредитация боюнча арызын киргизүү
power-decide-media-accreditation = ЖМКны аккредитациялоо, баш тартуу же аккредитацияны кайтарып алуу
# i16-badges
power-issue-media-badges = аккредитацияланган ЖМКнын журналисттерин каттоо, алардын күбөлүктөрүн берүү, басып чыгаруу жана кайтарып алуу
power-record-campaign-places = шайлоо участокторундагы басма үгүт материалдары үчүн жерлерди белгилөө
power-enter-protocol = участкалык комиссиянын добуш берүүнүн жыйынтыктары жөнүндө протоколун киргизүү
power-decide-protocol = добуш берүүнүн жыйынтыктары жөнүндө протоколду кабыл алуу, кайтаруу же оңдоо
power-determine-results = кеңешке шайлоонун жыйынтыктарын аныктоо
power-import-protocols = кабыл алынган протоколдорду файлдан жүктөө
power-import-preliminary-results = автоматтык түрдө эсептөөчү урналардын алдын ала маалыматтарын жүктөө

checkin-entry-intro = Добуш берүү күнү шайлоочуларын белгилей турган участокту тандаңыз.
checkin-entry-station = Шайлоо участогунун номери
checkin-entry-go = Ачуу
districts-drafts-intro = Сиз округдарынын схемаларын түзгөн же карап чыккан айыл кеңештери жана ар бир схеманын абалы.
districts-drafts-empty = Сиздин аймакта айыл кеңеши жок.

override-decision = БШКнын токтомунун номери
override-decision-hint = Мөөнөттү жылдырган БШКнын токтомунун номери, токтомдо жазылгандай (мисалы 12/345-р).
calendar-overridden-by = БШКнын № { $decision } токтому менен өзгөртүлдү
error-bad_decision_number = БШКнын токтомунун номерин жазыңыз: 1ден 40 белгиге чейин.

# Шайлоо фонддору жана бузуулар тууралуу кабарлар (CMP-04, CMP-07).
menu-funds = Шайлоо фонддору
menu-violations = Бузуулар тууралуу кабарлар
power-keep-fund-accounts = шайлоо фондунун эсебин жүргүзүү жана отчетторун тапшыруу
power-take-violation-report = 1255 ишеним телефонунан, почтадан же жеке келгенде бузуу тууралуу кабар кабыл алуу
power-handle-violation-report = бузуу тууралуу кабарларды бөлүштүрүү, тапшыруу жана жабуу
# i15-public: the public results log and open data
power-publish-results = жыйынтыктардын ачык журналына кол коюу жана ачык маалыматтарды чыгаруу
