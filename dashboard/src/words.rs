//! The dashboard's words in English, Brazilian Portuguese and Spanish: one struct per language,
//! so a missing translation does not compile (as in the widgets). The shell, the sign-in, the
//! overview, the exports, the supporters, the fact-check queue, the messages, the settings and
//! the audit log are here; the builder, staff and integrations tabs in `words/tools.rs`.

use rally_api::Lang;

mod tools;
pub use tools::{BuilderWords, IntegrationWords, StaffWords};

pub struct Words {
    pub staff_title: &'static str,
    pub credential: &'static str,
    pub sign_in: &'static str,
    pub too_many: &'static str,
    pub not_valid: &'static str,
    pub sign_out: &'static str,
    pub language: &'static str,
    pub sections: &'static str,
    /// The tabs, in the order of `Tab`.
    pub tabs: [&'static str; 10],
    pub only_owners_staff: &'static str,
    pub only_owners_integrations: &'static str,
    pub overview: &'static str,
    pub action: &'static str,
    pub today: &'static str,
    pub this_week: &'static str,
    pub all_time: &'static str,
    /// Before the unconfirmed signatures and pledges: `{} … {} …`.
    pub unconfirmed: [&'static str; 3],
    /// The campaign's time zone note: before the zone, then before the offset.
    pub timezone: [&'static str; 2],
    pub per_day: &'static str,
    pub per_hour: &'static str,
    pub in_all: &'static str,
    pub top_sites: &'static str,
    pub top_sources: &'static str,
    pub exports: &'static str,
    pub exports_note: &'static str,
    pub export_files: [&'static str; 4],
    pub export_started: &'static str,
    /// Around "rows done" and "rows expected".
    pub export_progress: [&'static str; 3],
    pub export_download: &'static str,
    pub export_failed: &'static str,
    pub export_jobs: &'static str,
    pub export_jobs_note: &'static str,
    pub conversion: &'static str,
    pub funnel_columns: [&'static str; 6],
    pub views_note: &'static str,
    pub none_yet: &'static str,
    pub last_7_days: &'static str,
    pub top_recruiters: &'static str,
    pub no_recruiters: &'static str,
    pub recruited: &'static str,
    pub points: &'static str,
    pub top_teams: &'static str,
    pub no_teams: &'static str,
    pub members: &'static str,
    /// The kinds of action, as the overview's rows name them.
    pub kinds: [(&'static str, &'static str); 3],
    pub loading: &'static str,
    /// Before the edge's message when a tab could not load.
    pub load_failed: &'static str,
    pub retry: &'static str,
    pub no_role_people: &'static str,
    pub search_hint: &'static str,
    /// Around the kept signatures and pledges of an erased supporter.
    pub erased: [&'static str; 3],
    pub only_owners_erase: &'static str,
    pub not_erased: &'static str,
    pub their_actions: &'static str,
    pub their_data: &'static str,
    pub erase_confirm: &'static str,
    pub erase: &'static str,
    pub email_or_name: &'static str,
    pub search: &'static str,
    /// Name, email, points, actions.
    pub people_columns: [&'static str; 4],
    pub signed_or_pledged: &'static str,
    pub nothing: &'static str,
    pub week: &'static str,
    /// When, who, what, detail.
    pub audit_columns: [&'static str; 4],
    pub claims_title: &'static str,
    pub nothing_waiting: &'static str,
    pub published: &'static str,
    pub not_published: &'static str,
    pub reports: &'static str,
    pub verdict: &'static str,
    /// As `rally_api::Verdict::ALL` lists them.
    pub verdicts: [&'static str; 5],
    pub wording: &'static str,
    pub explanation: &'static str,
    pub sources: &'static str,
    pub publish: &'static str,
    /// Before the merged claim's report count, and after.
    pub merged: [&'static str; 2],
    pub split_done: [&'static str; 2],
    pub same_rumour: &'static str,
    pub merge_into: &'static str,
    pub show_reports: &'static str,
    pub reports_legend: &'static str,
    pub split: &'static str,
    pub messages_intro: &'static str,
    pub refresh: &'static str,
    pub no_messages: &'static str,
    pub by_day: &'static str,
    /// Day, kind, waiting, sent, failed, not sent.
    pub day_columns: [&'static str; 6],
    pub no_failures: &'static str,
    pub latest_failures: &'static str,
    /// Kind, written, attempts, reason, action.
    pub failure_columns: [&'static str; 5],
    /// Around a resent message's id.
    pub resent: [&'static str; 2],
    pub resend: &'static str,
    /// Before a message's id, for the resend button's label.
    pub resend_label: &'static str,
    pub failures: &'static str,
    pub housekeeping: &'static str,
    pub housekeeping_note: &'static str,
    /// Between a sweep's time and counts: queued, reminders, too late, keys, sessions, links.
    pub sweep: [&'static str; 7],
    /// The kinds of message, by their wire names.
    pub message_kinds: [(&'static str, &'static str); 5],
    pub settings_title: &'static str,
    pub only_owners_settings: &'static str,
    pub settings_saved: &'static str,
    pub settings_not_saved: &'static str,
    /// `(label, hint)` of each setting: name, time zone, the six numbers (weekly goal, team
    /// size, points for signing, pledging, reporting, recruiting), sender name, sender address,
    /// reply-to, and the confirmation by email.
    pub settings_fields: [(&'static str, &'static str); 12],
    pub follow_up: &'static str,
    pub save_settings: &'static str,
    pub builder: &'static BuilderWords,
    pub staff: &'static StaffWords,
    pub integrations: &'static IntegrationWords,
}

pub const EN: Words = Words {
    staff_title: "Rally staff",
    credential: "Your staff credential",
    sign_in: "Sign in",
    too_many: "Too many attempts. Wait a minute and try again.",
    not_valid: "This credential is not valid.",
    sign_out: "Sign out",
    language: "Language",
    sections: "Sections",
    tabs: ["Overview", "Supporters", "Exports", "Fact-checks", "Widgets", "Staff", "Integrations", "Messages", "Settings", "Audit log"],
    only_owners_staff: "Only owners manage staff.",
    only_owners_integrations: "Only owners manage integrations.",
    overview: "Overview",
    action: "Action",
    today: "Today",
    this_week: "This week",
    all_time: "All time",
    unconfirmed: ["Of these, ", " signatures and ", " pledges are not yet confirmed by email (they count now; exports mark them)."],
    timezone: ["Days and weeks are in the campaign's time zone, ", ""],
    per_day: "Signatures per day, last 35 days",
    per_hour: "Signatures per hour, last 48 hours",
    in_all: "in all",
    top_sites: "Top host sites",
    top_sources: "Top sources",
    exports: "Exports",
    exports_note: "CSV files with consent columns. Cells that a spreadsheet would run as formulas are neutralised.",
    export_files: ["Signatures", "Pledge commitments", "Supporters", "Fact-check claims"],
    export_started: "Started: the file is being prepared below.",
    export_progress: ["", " of ", " rows"],
    export_download: "Download",
    export_failed: "Failed: ",
    export_jobs: "Large exports",
    export_jobs_note: "An export too big for one request is prepared in the background; its file stays here for a day.",
    conversion: "Conversion from view to action",
    funnel_columns: ["Widget", "Views this week", "Actions this week", "Rate this week", "Views, all time", "Rate, all time"],
    views_note: "A view is a widget shown on a page. Views are counted from this version on, and slightly under: an edge instance that stops loses up to two seconds of them.",
    none_yet: "None yet.",
    last_7_days: "Last 7 days",
    top_recruiters: "Top recruiters",
    no_recruiters: "Nobody has recruited yet.",
    recruited: "recruited",
    points: "points",
    top_teams: "Top teams",
    no_teams: "No teams yet.",
    members: "members",
    kinds: [("sign", "Signatures"), ("pledge", "Pledges"), ("report", "Reports")],    loading: "Loading…",
    load_failed: "This could not be loaded: ",
    retry: "Retry",
    no_role_people: "Your role may not see supporters' details.",
    search_hint: "Search with an email or at least two letters of a name.",
    erased: ["Erased. Their ", " signatures and ", " pledges still count, without their details."],
    only_owners_erase: "Only owners may erase a supporter.",
    not_erased: "Not erased: try again.",
    their_actions: "Their actions",
    their_data: "Their data",
    erase_confirm: "Yes, erase for good",
    erase: "Erase…",
    email_or_name: "Email or name",
    search: "Search",
    people_columns: ["Name", "Email", "Points", "Actions"],
    signed_or_pledged: "Signed or pledged: ",
    nothing: "nothing",
    week: "week",
    audit_columns: ["When (UTC)", "Who", "What", "Detail"],    claims_title: "Fact-check queue",
    nothing_waiting: "Nothing waiting.",
    published: "Published.",
    not_published: "Not published: ",
    reports: "reports",
    verdict: "Verdict",
    verdicts: ["False", "Misleading", "Missing context", "True", "Unverified"],
    wording: "The claim, as the rebuttal will state it",
    explanation: "Explanation",
    sources: "Sources: one a line, a title then its https:// link",
    publish: "Publish",
    merged: ["Merged: the claim now has ", " reports."],
    split_done: ["Split: a new claim with ", " reports."],
    same_rumour: "Same rumour as",
    merge_into: "Merge into it",
    show_reports: "Reports…",
    reports_legend: "Reports: check the ones about another rumour",
    split: "Split the checked into a new claim",    messages_intro: "Confirmations, pledge reminders and fact-check outcomes, sent by email. A message that fails is tried again 4 times, each wait longer, then shown here.",
    refresh: "Refresh",
    no_messages: "No messages in the last 14 days.",
    by_day: "Messages by day (UTC) and kind, last 14 days",
    day_columns: ["Day", "Kind", "Waiting", "Sent", "Failed", "Not sent"],
    no_failures: "No failed messages.",
    latest_failures: "Latest failures",
    failure_columns: ["Kind", "Written", "Attempts", "Reason", "Action"],
    resent: ["Message ", " is being sent again."],
    resend: "Resend",
    resend_label: "Resend message ",
    failures: "Failures",
    housekeeping: "Housekeeping",
    housekeeping_note: "Every minute the cron hands due messages to the queue and drops old idempotency keys, expired sessions and spent links.",
    sweep: [": ", " queued, ", " confirmation reminders, ", " too late; dropped ", " keys, ", " sessions, ", " links"],
    message_kinds: [
        ("confirm", "Confirmation"),
        ("confirm_reminder", "Reminder to confirm"),
        ("pledge_eve", "Pledge reminder (day before)"),
        ("pledge_morning", "Pledge reminder (on the day)"),
        ("outcome", "Fact-check outcome"),
    ],    settings_title: "Campaign settings",
    only_owners_settings: "Only owners change these.",
    settings_saved: "Saved. New actions use these settings.",
    settings_not_saved: "Not saved: see below.",
    settings_fields: [
        ("Campaign name", ""),
        ("Time zone", "Weeks start on its Mondays; the overview's days at its midnights."),
        ("Weekly goal", "Actions a week each supporter aims for (1 to 100)."),
        ("Team size", "Most members a team may have, its leader included (2 to 50)."),
        ("Points for signing", "0 to 1000; from now on (points already earned stay)."),
        ("Points for pledging", ""),
        ("Points for reporting a rumour", "Once per rumour per supporter."),
        ("Points for recruiting", "When someone who came through a supporter's link first acts."),
        ("Sender name", "Empty: the campaign's name."),
        ("Sender address", "On a domain verified for Cloudflare Email Service. Empty: the deployment's address."),
        ("Reply-to address", "Where replies go. Empty: no reply-to."),
        ("Confirm signatures and pledges by email (double opt-in)", "Unconfirmed actions count at once and are marked unconfirmed in the overview and exports until the person confirms."),
    ],
    follow_up: "Follow-up email",
    save_settings: "Save settings",
    builder: &tools::BUILDER_EN,
    staff: &tools::STAFF_EN,
    integrations: &tools::INTEGRATIONS_EN,
};

pub const PT_BR: Words = Words {
    staff_title: "Equipe Rally",
    credential: "Sua credencial de equipe",
    sign_in: "Entrar",
    too_many: "Tentativas demais. Espere um minuto e tente de novo.",
    not_valid: "Esta credencial não é válida.",
    sign_out: "Sair",
    language: "Idioma",
    sections: "Seções",
    tabs: ["Visão geral", "Apoiadores", "Exportações", "Checagens", "Widgets", "Equipe", "Integrações", "Mensagens", "Configurações", "Registro de auditoria"],
    only_owners_staff: "Só proprietários gerenciam a equipe.",
    only_owners_integrations: "Só proprietários gerenciam integrações.",
    overview: "Visão geral",
    action: "Ação",
    today: "Hoje",
    this_week: "Esta semana",
    all_time: "Desde o início",
    unconfirmed: ["Destas, ", " assinaturas e ", " compromissos ainda não foram confirmados por e-mail (já contam; as exportações os marcam)."],
    timezone: ["Dias e semanas estão no fuso horário da campanha, ", ""],
    per_day: "Assinaturas por dia, últimos 35 dias",
    per_hour: "Assinaturas por hora, últimas 48 horas",
    in_all: "no total",
    top_sites: "Principais sites",
    top_sources: "Principais origens",
    exports: "Exportações",
    exports_note: "Arquivos CSV com colunas de consentimento. Células que uma planilha executaria como fórmulas são neutralizadas.",
    export_files: ["Assinaturas", "Compromissos", "Apoiadores", "Boatos checados"],
    export_started: "Iniciada: o arquivo está sendo preparado abaixo.",
    export_progress: ["", " de ", " linhas"],
    export_download: "Baixar",
    export_failed: "Falhou: ",
    export_jobs: "Exportações grandes",
    export_jobs_note: "Uma exportação grande demais para uma só requisição é preparada em segundo plano; o arquivo fica aqui por um dia.",
    conversion: "Conversão de visualização em ação",
    funnel_columns: ["Widget", "Visualizações na semana", "Ações na semana", "Taxa na semana", "Visualizações desde o início", "Taxa desde o início"],
    views_note: "Uma visualização é um widget exibido numa página. Contam a partir desta versão, e um pouco abaixo do real: uma instância do edge que para perde até dois segundos delas.",
    none_yet: "Nada ainda.",
    last_7_days: "Últimos 7 dias",
    top_recruiters: "Quem mais recrutou",
    no_recruiters: "Ninguém recrutou ainda.",
    recruited: "recrutados",
    points: "pontos",
    top_teams: "Principais equipes",
    no_teams: "Nenhuma equipe ainda.",
    members: "membros",
    kinds: [("sign", "Assinaturas"), ("pledge", "Compromissos"), ("report", "Denúncias")],    loading: "Carregando…",
    load_failed: "Não foi possível carregar: ",
    retry: "Tentar de novo",
    no_role_people: "Seu papel não permite ver os dados dos apoiadores.",
    search_hint: "Busque por um e-mail ou ao menos duas letras de um nome.",
    erased: ["Apagado. Suas ", " assinaturas e ", " compromissos continuam contando, sem os dados da pessoa."],
    only_owners_erase: "Só proprietários podem apagar um apoiador.",
    not_erased: "Não foi apagado: tente de novo.",
    their_actions: "Ações da pessoa",
    their_data: "Dados da pessoa",
    erase_confirm: "Sim, apagar de vez",
    erase: "Apagar…",
    email_or_name: "E-mail ou nome",
    search: "Buscar",
    people_columns: ["Nome", "E-mail", "Pontos", "Ações"],
    signed_or_pledged: "Assinou ou se comprometeu: ",
    nothing: "nada",
    week: "semana",
    audit_columns: ["Quando (UTC)", "Quem", "O quê", "Detalhe"],    claims_title: "Fila de checagens",
    nothing_waiting: "Nada esperando.",
    published: "Publicado.",
    not_published: "Não publicado: ",
    reports: "denúncias",
    verdict: "Veredito",
    verdicts: ["Falso", "Enganoso", "Falta contexto", "Verdadeiro", "Não verificado"],
    wording: "O boato, como a resposta vai citá-lo",
    explanation: "Explicação",
    sources: "Fontes: uma por linha, um título e depois o link https://",
    publish: "Publicar",
    merged: ["Unidos: o boato agora tem ", " denúncias."],
    split_done: ["Separados: um novo boato com ", " denúncias."],
    same_rumour: "Mesmo boato que",
    merge_into: "Unir a ele",
    show_reports: "Denúncias…",
    reports_legend: "Denúncias: marque as que são de outro boato",
    split: "Separar as marcadas num novo boato",    messages_intro: "Confirmações, lembretes de compromisso e resultados de checagens, enviados por e-mail. Uma mensagem que falha é tentada de novo 4 vezes, cada espera mais longa, e então aparece aqui.",
    refresh: "Atualizar",
    no_messages: "Nenhuma mensagem nos últimos 14 dias.",
    by_day: "Mensagens por dia (UTC) e tipo, últimos 14 dias",
    day_columns: ["Dia", "Tipo", "Aguardando", "Enviadas", "Falharam", "Não enviadas"],
    no_failures: "Nenhuma mensagem falhou.",
    latest_failures: "Últimas falhas",
    failure_columns: ["Tipo", "Escrita", "Tentativas", "Motivo", "Ação"],
    resent: ["A mensagem ", " está sendo enviada de novo."],
    resend: "Reenviar",
    resend_label: "Reenviar a mensagem ",
    failures: "Falhas",
    housekeeping: "Manutenção",
    housekeeping_note: "A cada minuto o cron entrega à fila as mensagens devidas e descarta chaves de idempotência antigas, sessões expiradas e links já usados.",
    sweep: [": ", " na fila, ", " lembretes de confirmação, ", " tarde demais; descartadas ", " chaves, ", " sessões, ", " links"],
    message_kinds: [
        ("confirm", "Confirmação"),
        ("confirm_reminder", "Lembrete para confirmar"),
        ("pledge_eve", "Lembrete do compromisso (véspera)"),
        ("pledge_morning", "Lembrete do compromisso (no dia)"),
        ("outcome", "Resultado da checagem"),
    ],    settings_title: "Configurações da campanha",
    only_owners_settings: "Só proprietários mudam estas configurações.",
    settings_saved: "Salvo. Novas ações usam estas configurações.",
    settings_not_saved: "Não salvo: veja abaixo.",
    settings_fields: [
        ("Nome da campanha", ""),
        ("Fuso horário", "As semanas começam nas segundas-feiras dele; os dias da visão geral, à meia-noite dele."),
        ("Meta semanal", "Ações por semana que cada apoiador busca (1 a 100)."),
        ("Tamanho da equipe", "Máximo de membros de uma equipe, líder incluído (2 a 50)."),
        ("Pontos por assinar", "0 a 1000; daqui em diante (pontos já ganhos ficam)."),
        ("Pontos por se comprometer", ""),
        ("Pontos por denunciar um boato", "Uma vez por boato por apoiador."),
        ("Pontos por recrutar", "Quando alguém que veio pelo link de um apoiador age pela primeira vez."),
        ("Nome do remetente", "Vazio: o nome da campanha."),
        ("Endereço do remetente", "Num domínio verificado no Cloudflare Email Service. Vazio: o endereço da instalação."),
        ("Endereço de resposta", "Para onde vão as respostas. Vazio: nenhum."),
        ("Confirmar assinaturas e compromissos por e-mail (dupla confirmação)", "Ações não confirmadas contam na hora e aparecem como não confirmadas na visão geral e nas exportações até a pessoa confirmar."),
    ],
    follow_up: "E-mail de acompanhamento",
    save_settings: "Salvar configurações",
    builder: &tools::BUILDER_PT_BR,
    staff: &tools::STAFF_PT_BR,
    integrations: &tools::INTEGRATIONS_PT_BR,
};

pub const ES: Words = Words {
    staff_title: "Equipo de Rally",
    credential: "Tu credencial de equipo",
    sign_in: "Entrar",
    too_many: "Demasiados intentos. Espera un minuto y vuelve a intentarlo.",
    not_valid: "Esta credencial no es válida.",
    sign_out: "Salir",
    language: "Idioma",
    sections: "Secciones",
    tabs: ["Resumen", "Simpatizantes", "Exportaciones", "Verificaciones", "Widgets", "Equipo", "Integraciones", "Mensajes", "Ajustes", "Registro de auditoría"],
    only_owners_staff: "Solo los propietarios gestionan el equipo.",
    only_owners_integrations: "Solo los propietarios gestionan las integraciones.",
    overview: "Resumen",
    action: "Acción",
    today: "Hoy",
    this_week: "Esta semana",
    all_time: "Desde el inicio",
    unconfirmed: ["De estas, ", " firmas y ", " compromisos aún no están confirmados por correo (ya cuentan; las exportaciones los marcan)."],
    timezone: ["Los días y semanas están en la zona horaria de la campaña, ", ""],
    per_day: "Firmas por día, últimos 35 días",
    per_hour: "Firmas por hora, últimas 48 horas",
    in_all: "en total",
    top_sites: "Sitios principales",
    top_sources: "Orígenes principales",
    exports: "Exportaciones",
    exports_note: "Archivos CSV con columnas de consentimiento. Las celdas que una hoja de cálculo ejecutaría como fórmulas quedan neutralizadas.",
    export_files: ["Firmas", "Compromisos", "Simpatizantes", "Bulos verificados"],
    export_started: "Iniciada: el archivo se está preparando abajo.",
    export_progress: ["", " de ", " filas"],
    export_download: "Descargar",
    export_failed: "Falló: ",
    export_jobs: "Exportaciones grandes",
    export_jobs_note: "Una exportación demasiado grande para una sola solicitud se prepara en segundo plano; su archivo queda aquí un día.",
    conversion: "Conversión de vista a acción",
    funnel_columns: ["Widget", "Vistas esta semana", "Acciones esta semana", "Tasa esta semana", "Vistas desde el inicio", "Tasa desde el inicio"],
    views_note: "Una vista es un widget mostrado en una página. Se cuentan desde esta versión, y algo por debajo: una instancia del edge que se detiene pierde hasta dos segundos de ellas.",
    none_yet: "Nada todavía.",
    last_7_days: "Últimos 7 días",
    top_recruiters: "Quienes más reclutaron",
    no_recruiters: "Nadie ha reclutado todavía.",
    recruited: "reclutados",
    points: "puntos",
    top_teams: "Equipos principales",
    no_teams: "Aún no hay equipos.",
    members: "miembros",
    kinds: [("sign", "Firmas"), ("pledge", "Compromisos"), ("report", "Denuncias")],    loading: "Cargando…",
    load_failed: "No se pudo cargar: ",
    retry: "Reintentar",
    no_role_people: "Tu rol no permite ver los datos de los simpatizantes.",
    search_hint: "Busca con un correo o al menos dos letras de un nombre.",
    erased: ["Borrado. Sus ", " firmas y ", " compromisos siguen contando, sin sus datos."],
    only_owners_erase: "Solo los propietarios pueden borrar a un simpatizante.",
    not_erased: "No se borró: inténtalo de nuevo.",
    their_actions: "Sus acciones",
    their_data: "Sus datos",
    erase_confirm: "Sí, borrar para siempre",
    erase: "Borrar…",
    email_or_name: "Correo o nombre",
    search: "Buscar",
    people_columns: ["Nombre", "Correo", "Puntos", "Acciones"],
    signed_or_pledged: "Firmó o se comprometió: ",
    nothing: "nada",
    week: "semana",
    audit_columns: ["Cuándo (UTC)", "Quién", "Qué", "Detalle"],    claims_title: "Cola de verificaciones",
    nothing_waiting: "Nada en espera.",
    published: "Publicado.",
    not_published: "No publicado: ",
    reports: "denuncias",
    verdict: "Veredicto",
    verdicts: ["Falso", "Engañoso", "Falta contexto", "Verdadero", "Sin verificar"],
    wording: "El bulo, como lo citará la respuesta",
    explanation: "Explicación",
    sources: "Fuentes: una por línea, un título y luego su enlace https://",
    publish: "Publicar",
    merged: ["Unidos: el bulo tiene ahora ", " denuncias."],
    split_done: ["Separados: un bulo nuevo con ", " denuncias."],
    same_rumour: "Mismo bulo que",
    merge_into: "Unir a este",
    show_reports: "Denuncias…",
    reports_legend: "Denuncias: marca las que son de otro bulo",
    split: "Separar las marcadas en un bulo nuevo",    messages_intro: "Confirmaciones, recordatorios de compromisos y resultados de verificaciones, enviados por correo. Un mensaje que falla se reintenta 4 veces, cada espera más larga, y luego aparece aquí.",
    refresh: "Actualizar",
    no_messages: "Ningún mensaje en los últimos 14 días.",
    by_day: "Mensajes por día (UTC) y tipo, últimos 14 días",
    day_columns: ["Día", "Tipo", "En espera", "Enviados", "Fallidos", "No enviados"],
    no_failures: "Ningún mensaje falló.",
    latest_failures: "Últimos fallos",
    failure_columns: ["Tipo", "Escrito", "Intentos", "Motivo", "Acción"],
    resent: ["El mensaje ", " se está enviando de nuevo."],
    resend: "Reenviar",
    resend_label: "Reenviar el mensaje ",
    failures: "Fallos",
    housekeeping: "Mantenimiento",
    housekeeping_note: "Cada minuto el cron entrega a la cola los mensajes pendientes y descarta claves de idempotencia viejas, sesiones caducadas y enlaces usados.",
    sweep: [": ", " en cola, ", " recordatorios de confirmación, ", " demasiado tarde; descartadas ", " claves, ", " sesiones, ", " enlaces"],
    message_kinds: [
        ("confirm", "Confirmación"),
        ("confirm_reminder", "Recordatorio para confirmar"),
        ("pledge_eve", "Recordatorio del compromiso (víspera)"),
        ("pledge_morning", "Recordatorio del compromiso (el día)"),
        ("outcome", "Resultado de la verificación"),
    ],    settings_title: "Ajustes de la campaña",
    only_owners_settings: "Solo los propietarios cambian estos ajustes.",
    settings_saved: "Guardado. Las nuevas acciones usan estos ajustes.",
    settings_not_saved: "No guardado: mira abajo.",
    settings_fields: [
        ("Nombre de la campaña", ""),
        ("Zona horaria", "Las semanas empiezan en sus lunes; los días del resumen, a su medianoche."),
        ("Meta semanal", "Acciones por semana que busca cada simpatizante (1 a 100)."),
        ("Tamaño del equipo", "Máximo de miembros de un equipo, líder incluido (2 a 50)."),
        ("Puntos por firmar", "0 a 1000; desde ahora (los puntos ya ganados se quedan)."),
        ("Puntos por comprometerse", ""),
        ("Puntos por denunciar un bulo", "Una vez por bulo y simpatizante."),
        ("Puntos por reclutar", "Cuando alguien que llegó por el enlace de un simpatizante actúa por primera vez."),
        ("Nombre del remitente", "Vacío: el nombre de la campaña."),
        ("Dirección del remitente", "En un dominio verificado en Cloudflare Email Service. Vacío: la dirección de la instalación."),
        ("Dirección de respuesta", "Adónde van las respuestas. Vacío: ninguna."),
        ("Confirmar firmas y compromisos por correo (doble confirmación)", "Las acciones sin confirmar cuentan al momento y aparecen como no confirmadas en el resumen y las exportaciones hasta que la persona confirme."),
    ],
    follow_up: "Correo de seguimiento",
    save_settings: "Guardar ajustes",
    builder: &tools::BUILDER_ES,
    staff: &tools::STAFF_ES,
    integrations: &tools::INTEGRATIONS_ES,
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::PtBr => &PT_BR,
        Lang::Es => &ES,
    }
}

/// `n` written as people of `lang` write numbers (`12,345`, `12.345`).
pub fn number(n: f64, lang: Lang) -> String {
    let opts = js_sys::Object::new();
    js_sys::Intl::NumberFormat::new(&js_sys::Array::of1(&lang.tag().into()), &opts)
        .format()
        .call1(&wasm_bindgen::JsValue::NULL, &n.into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| n.to_string())
}

/// A rate as a percentage with one decimal in `lang` (`12.5%`, `12,5%`), or a dash when nothing
/// was viewed.
pub fn rate(actions: u64, views: u64, lang: Lang) -> String {
    if views == 0 {
        return "–".to_owned();
    }
    let opts = js_sys::Object::new();
    let set = |k: &str, v: wasm_bindgen::JsValue| js_sys::Reflect::set(&opts, &k.into(), &v);
    let _ = set("style", "percent".into());
    let _ = set("minimumFractionDigits", 1.into());
    let _ = set("maximumFractionDigits", 1.into());
    js_sys::Intl::NumberFormat::new(&js_sys::Array::of1(&lang.tag().into()), &opts)
        .format()
        .call1(
            &wasm_bindgen::JsValue::NULL,
            &(actions as f64 / views as f64).into(),
        )
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// The staff member's language on this browser: what they chose, else the browser's.
pub fn chosen(key: &str) -> Lang {
    let w = web_sys::window();
    let stored = w
        .as_ref()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(key).ok().flatten());
    let browser = w.and_then(|w| w.navigator().language()).unwrap_or_default();
    Lang::pick([stored.as_deref().unwrap_or(""), browser.as_str()])
}

/// Remembers the staff member's choice on this browser.
pub fn choose(key: &str, lang: Lang) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, lang.tag());
    }
}

/// A moment written as people of `lang` write date and time, in UTC.
pub fn when(ms: f64, lang: Lang) -> String {
    let opts = js_sys::Object::new();
    for (k, v) in [
        ("dateStyle", "short"),
        ("timeStyle", "short"),
        ("timeZone", "UTC"),
    ] {
        let _ = js_sys::Reflect::set(&opts, &k.into(), &v.into());
    }
    js_sys::Intl::DateTimeFormat::new(&js_sys::Array::of1(&lang.tag().into()), &opts)
        .format()
        .call1(&wasm_bindgen::JsValue::NULL, &js_sys::Date::new(&ms.into()))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// The words of the language in context (the dashboard's choice), for components.
#[yew::hook]
pub fn use_words() -> &'static Words {
    words(yew::use_context::<Lang>().unwrap_or_default())
}
