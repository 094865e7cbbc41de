# i15-scan-map: сканы подписанных протоколов, страницы участков, карта.
error-results_scan_missing = Выберите скан или фото подписанного протокола.
error-results_scan_too_large = Скан больше 10 МБ.
error-results_scan_not_recognised = Скан не является файлом JPEG, PNG или PDF.
protocols-done-scan = Скан подписанного протокола прикреплён.
protocols-scan-title = Скан подписанного протокола
protocols-scan-none = Скан ещё не прикреплён.
protocols-scan-version = Версия
protocols-scan-file = Скан или фото подписанного бумажного протокола
protocols-scan-hint = JPEG, PNG или PDF, не более 10 МБ. Публикуется вместе с протоколом после его принятия ТИК.
protocols-scan-submit = Прикрепить скан
protocols-scan-closed = Скан прикрепляется после ввода протокола и до его принятия.
results-station-title = Избирательный участок
results-station-none = Ни один протокол этого участка ещё не принят.
results-station-version = Принятая версия
results-station-scan = Скан подписанного протокола
results-station-no-scan = К этому протоколу скан не прикреплён.
results-station-scan-alt = Подписанный протокол избирательного участка
results-station-scan-pdf = Открыть подписанный протокол (PDF)
results-station-back = К результатам кенеша
results-station-list = Избирательные участки
results-map-title = Карта результатов
results-map-link = Карта результатов
results-map-desc = Контур Кыргызстана с кругом в центре каждого кенеша: цвет — лидирующий список или кандидат, размер — явка. Таблица ниже содержит те же данные.
results-map-caption = Каждый круг — кенеш в его центре: цвет показывает лидера подсчёта, размер растёт с явкой. Выберите круг, чтобы открыть результаты кенеша.
results-map-legend = Условные обозначения
results-map-other = Другой лидер
results-map-empty = Ни один протокол ещё не принят
results-map-size = Чем больше круг, тем выше явка.
results-map-unplaced = Кенеши, не показанные на карте
results-map-unplaced-why = Координат их центров нет в географических данных системы; их результаты — в таблице.
results-map-unplaced-list = Показать список
results-map-table = Явка и лидер по кенешам
results-map-seat = Центр
results-map-no-seat = координаты неизвестны
results-map-leader = Лидирует
results-map-attribution = Контур: Natural Earth (общественное достояние). Населённые пункты: GeoNames (www.geonames.org), CC BY 4.0.
# Шаги распределения мандатов (shailoo_apportionment::Step), по одному сообщению на код шага.
explain-against-all = Против всех: { $votes } { $votes ->
         [one] голос
         [few] голоса
        *[other] голосов
    } (учитываются среди принявших участие в голосовании; мандатов не получают).
explain-threshold = Порог (RES-06): { $threshold_percent }% от { $base_votes } { $base ->
         [valid_votes] действительных голосов
        *[other] избирателей, принявших участие в голосовании
    }; списку нужно не менее { $minimum_votes } { $minimum_votes ->
         [one] голоса
        *[other] голосов
    }.
explain-list-threshold = Список { $list }: { $votes } { $votes ->
         [one] голос
         [few] голоса
        *[other] голосов
    }, { $passed ->
         [true] преодолевает порог
        *[other] ниже порога: в распределении не участвует
    }.
explain-no-list-qualified = Ни один список не преодолел порог: выборы признаются несостоявшимися (RES-09).
explain-quota = Квота Хэйра (RES-07): { $total_votes } голосов прошедших списков / { $seats } { $seats ->
         [one] мандат
         [few] мандата
        *[other] мандатов
    } = { $quota } голосов на мандат.
explain-whole-seats = Список { $list }: { $votes } голосов / квота = { $whole_seats } { $whole_seats ->
         [one] целый мандат
         [few] целых мандата
        *[other] целых мандатов
    }, остаток { $remainder } голосов.
explain-candidates-cap = Списку { $list } положено { $entitled } целых мандатов, но в нём только { $candidates } { $candidates ->
         [one] кандидат
         [few] кандидата
        *[other] кандидатов
    }: он сохраняет { $candidates }, остальные переходят к следующим наибольшим остаткам (RES-09).
explain-remainders-ranked = Осталось мандатов: { $remaining_seats }; остатки по убыванию: { $ranking }{ $exhausted_count ->
         [0] {""}
        *[other] ; не участвуют, кандидатов не осталось (RES-09): { $exhausted }
    }.
explain-remainder-seat = Оставшийся мандат { $seat } получает список { $list } (остаток { $remainder }).
explain-remainder-round = Мандатов осталось больше, чем списков с кандидатами: { $lists } получают ещё по { $seats_each } { $seats_each ->
         [one] мандату
        *[other] мандата
    } (RES-09).
explain-seats-left-vacant = Список { $list } получил { $entitled } { $entitled ->
         [one] мандат
         [few] мандата
        *[other] мандатов
    }, но в нём только { $candidates } { $candidates ->
         [one] кандидат
         [few] кандидата
        *[other] кандидатов
    }: незамещённые мандаты остаются вакантными (RES-09).
explain-lots-applied = Равенство за { $seats } { $phase ->
         [reserved] зарезервированный
        *[other] { $phase ->
                 [open] открытый
                *[other] остаточный
            }
    } { $seats ->
         [one] мандат
        *[other] мандата
    } между { $tied }: решено записанной жеребьёвкой в пользу { $winners } (RES-08).
explain-reserved-tie-all-elected = Равенство за последний зарезервированный мандат между { $tied }: избраны все, как бы ни выпал жребий, поэтому жеребьёвка не проводится; зарезервированный мандат записан за { $reserved }, первым в порядке бюллетеня (RES-08).
explain-lots-required = Равенство за { $seats } { $phase ->
         [reserved] зарезервированный
        *[other] { $phase ->
                 [open] открытый
                *[other] остаточный
            }
    } { $seats ->
         [one] мандат
        *[other] мандата
    } между { $tied }: комиссия должна провести жеребьёвку (RES-08).
explain-list-seats = Список { $list }: { $seats } { $seats ->
         [one] мандат
         [few] мандата
        *[other] мандатов
    }.
explain-unfilled-seats = Незамещённых мандатов: { $seats }; кандидатов для них не осталось (RES-09).
explain-reserved-mandates = { $reserved } из { $seats } { $seats ->
         [one] мандата
        *[other] мандатов
    } зарезервированы для женщин ({ $by_default ->
         [true] не менее 30%, с округлением вверх
        *[other] как задано
    }, DIS-04).
explain-fewer-women-than-reserved = На { $reserved } { $reserved ->
         [one] зарезервированный мандат
        *[other] зарезервированных мандата
    } баллотируется только женщин: { $women_running }; { $moved_to_open } переходят к другим кандидатам (RES-10).
explain-reserved-seat = Мандат { $seat } (зарезервирован для женщин): { $candidate }, { $votes } { $votes ->
         [one] голос
         [few] голоса
        *[other] голосов
    }.
explain-open-seat = Мандат { $seat }: { $candidate } ({ $sex ->
         [female] женщина
        *[other] мужчина
    }), { $votes } { $votes ->
         [one] голос
         [few] голоса
        *[other] голосов
    }.
protocols-remote-empty = Участок для дистанционного голосования № { $station }: в его списке пока нет избирателей, поэтому выборов на нём нет.
