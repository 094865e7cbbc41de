# i15-scan-map: кол коюлган протоколдордун сканы, участоктордун барактары, карта.
error-results_scan_missing = Кол коюлган протоколдун сканын же сүрөтүн тандаңыз.
error-results_scan_too_large = Скан 10 МБдан чоң.
error-results_scan_not_recognised = Скан JPEG, PNG же PDF файлы эмес.
protocols-done-scan = Кол коюлган протоколдун сканы тиркелди.
protocols-scan-title = Кол коюлган протоколдун сканы
protocols-scan-none = Скан азырынча тиркеле элек.
protocols-scan-version = Версия
protocols-scan-file = Кол коюлган кагаз протоколдун сканы же сүрөтү
protocols-scan-hint = JPEG, PNG же PDF, 10 МБдан ашпайт. АШК кабыл алгандан кийин протокол менен кошо жарыяланат.
protocols-scan-submit = Сканды тиркөө
protocols-scan-closed = Скан протокол киргизилгенден кийин жана кабыл алынганга чейин тиркелет.
results-station-title = Шайлоо участогу
results-station-none = Бул участоктун бир да протоколу азырынча кабыл алына элек.
results-station-version = Кабыл алынган версия
results-station-scan = Кол коюлган протоколдун сканы
results-station-no-scan = Бул протоколго скан тиркелген эмес.
results-station-scan-alt = Шайлоо участогунун кол коюлган протоколу
results-station-scan-pdf = Кол коюлган протоколду ачуу (PDF)
results-station-back = Кеңештин жыйынтыктарына кайтуу
results-station-list = Шайлоо участоктору
results-map-title = Жыйынтыктардын картасы
results-map-link = Жыйынтыктардын картасы
results-map-desc = Кыргызстандын контуру, ар бир кеңештин борборунда тегерек: түсү — эсепте алдыда турган тизме же талапкер, өлчөмү — шайлоочулардын катышуусу. Төмөнкү таблицада ошол эле маалыматтар.
results-map-caption = Ар бир тегерек — өз борборундагы кеңеш: түсү эсептин лидерин көрсөтөт, катышуу жогору болгон сайын чоңоёт. Кеңештин жыйынтыктарын ачуу үчүн тегеректи тандаңыз.
results-map-legend = Шарттуу белгилер
results-map-other = Башка лидер
results-map-empty = Бир да протокол азырынча кабыл алына элек
results-map-size = Тегерек канчалык чоң болсо, катышуу ошончолук жогору.
results-map-unplaced = Картада жок кеңештер
results-map-unplaced-why = Алардын борборлорунун координаттары системадагы географиялык маалыматтарда жок; жыйынтыктары таблицада.
results-map-unplaced-list = Тизмени көрсөтүү
results-map-table = Кеңештер боюнча катышуу жана лидер
results-map-seat = Борбор
results-map-no-seat = координаттары белгисиз
results-map-leader = Алдыда
results-map-attribution = Контур: Natural Earth (коомдук менчик). Калк конуштары: GeoNames (www.geonames.org), CC BY 4.0.
# Мандаттарды бөлүштүрүүнүн кадамдары (shailoo_apportionment::Step), ар бир кадамдын кодуна бир билдирүү.
explain-against-all = Баарына каршы: { $votes } добуш (шайлоого катышкандардын катарында эсептелет; мандат алышпайт).
explain-threshold = Босого (RES-06): { $base_votes } { $base ->
         [valid_votes] жарактуу добуштун
        *[other] шайлоого катышкан шайлоочунун
    } { $threshold_percent }%; тизмеге кеминде { $minimum_votes } добуш керек.
explain-list-threshold = { $list } тизмеси: { $votes } добуш, { $passed ->
         [true] босогодон өтөт
        *[other] босогодон төмөн: бөлүштүрүүгө катышпайт
    }.
explain-no-list-qualified = Бир да тизме босогодон өткөн жок: шайлоо болбой калды деп таанылат (RES-09).
explain-quota = Хэйр квотасы (RES-07): өткөн тизмелердин { $total_votes } добушу / { $seats } мандат = мандатка { $quota } добуш.
explain-whole-seats = { $list } тизмеси: { $votes } добуш / квота = { $whole_seats } толук мандат, калдык { $remainder } добуш.
explain-candidates-cap = { $list } тизмесине { $entitled } толук мандат тийиш, бирок анда болгону { $candidates } талапкер бар: ал { $candidates } мандатты алат, калганы кийинки эң чоң калдыктарга өтөт (RES-09).
explain-remainders-ranked = { $remaining_seats } мандат калды; калдыктар чоңунан баштап: { $ranking }{ $exhausted_count ->
         [0] {""}
        *[other] ; талапкерлери калбагандыктан катышпайт (RES-09): { $exhausted }
    }.
explain-remainder-seat = Калган { $seat }-мандат { $list } тизмесине өтөт (калдык { $remainder }).
explain-remainder-round = Талапкерлери бар тизмелерден мандат көп калды: { $lists } ар бири дагы { $seats_each } мандаттан алат (RES-09).
explain-seats-left-vacant = { $list } тизмеси { $entitled } мандат алды, бирок анда болгону { $candidates } талапкер бар: толтурулбаган мандаттар бош калат (RES-09).
explain-lots-applied = { $tied } ортосунда { $seats } { $phase ->
         [reserved] брондолгон
        *[other] { $phase ->
                 [open] ачык
                *[other] калдык
            }
    } мандат үчүн теңдик: жазылган чүчүкулак менен { $winners } пайдасына чечилди (RES-08).
explain-reserved-tie-all-elected = { $tied } ортосунда акыркы брондолгон мандат үчүн теңдик: чүчүкулак кандай түшсө да баары шайланат, ошондуктан чүчүкулак тартылбайт; брондолгон мандат бюллетендеги тартиби боюнча биринчи болгон { $reserved } үчүн жазылат (RES-08).
explain-lots-required = { $tied } ортосунда { $seats } { $phase ->
         [reserved] брондолгон
        *[other] { $phase ->
                 [open] ачык
                *[other] калдык
            }
    } мандат үчүн теңдик: комиссия чүчүкулак тартышы керек (RES-08).
explain-list-seats = { $list } тизмеси: { $seats } мандат.
explain-unfilled-seats = { $seats } мандат толтурулбай калды: аларды алууга талапкер калган жок (RES-09).
explain-reserved-mandates = { $seats } мандаттын { $reserved } аялдар үчүн брондолгон ({ $by_default ->
         [true] кеминде 30%, жогору карай тегеректелип
        *[other] берилгендей
    }, DIS-04).
explain-fewer-women-than-reserved = { $reserved } брондолгон мандатка болгону { $women_running } аял талапкер: { $moved_to_open } мандат башка талапкерлерге өтөт (RES-10).
explain-reserved-seat = { $seat }-мандат (аялдар үчүн брондолгон): { $candidate }, { $votes } добуш.
explain-open-seat = { $seat }-мандат: { $candidate } ({ $sex ->
         [female] аял
        *[other] эркек
    }), { $votes } добуш.
protocols-remote-empty = Аралыктан добуш берүү участогу № { $station }: анын тизмесинде азырынча шайлоочу жок, ошондуктан анда шайлоо жок.
