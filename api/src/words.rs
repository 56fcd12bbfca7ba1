//! Words a person reads in a widget and on the edge's own pages, in English, Brazilian
//! Portuguese and Spanish: one struct of `&'static str` per language, so a missing translation
//! is a compile error. The widgets and the edge's signable pages share them, so a form reads the
//! same wherever it is drawn.

use crate::{ErrorCode, Lang};

pub struct Text {
    pub to: &'static str,
    pub goal: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: &'static str,
    pub postal_code: &'static str,
    pub country: &'static str,
    pub choose_country: &'static str,
    pub consent_legend: &'static str,
    pub consent_yes: &'static str,
    pub consent_no: &'static str,
    pub fix_fields: &'static str,
    pub yes_share: &'static str,
    pub not_now: &'static str,
    pub share_on: &'static str,
    pub copy_link: &'static str,
    pub copied: &'static str,
    pub more: &'static str,
    pub your_link: &'static str,
    pub load_failed: &'static str,
    /// Greeting a remembered supporter: "Welcome back, " + name.
    pub welcome: &'static str,
    /// "{n} of {goal}" + this.
    pub this_week: &'static str,
    pub forget: &'static str,
    /// The thank-you's link to the person's own hub page.
    pub open_hub: &'static str,
    pub forgotten: &'static str,
    pub open_page: &'static str,
    pub network: &'static str,
    pub rate_limited: &'static str,
    pub err_required: &'static str,
    pub err_too_long: &'static str,
    pub err_email: &'static str,
    pub err_postal: &'static str,
    pub err_country: &'static str,
    pub err_invalid: &'static str,
    /// The anti-bot check (Cloudflare Turnstile) is missing, failed or expired.
    pub err_challenge: &'static str,
}

pub const EN: Text = Text {
    to: "To",
    goal: "Goal",
    first_name: "First name",
    last_name: "Last name",
    email: "Email",
    postal_code: "Postal code",
    country: "Country",
    choose_country: "Choose your country",
    consent_legend: "May we keep you updated about this campaign?",
    consent_yes: "Yes, keep me updated",
    consent_no: "No, thanks",
    fix_fields: "Please correct the highlighted fields.",
    yes_share: "Yes, I'll share",
    not_now: "Not now",
    share_on: "Share on",
    copy_link: "Copy link",
    copied: "Link copied",
    more: "More options",
    your_link: "Your personal link",
    load_failed: "This could not load.",
    welcome: "Welcome back, ",
    this_week: " actions this week",
    forget: "Not you? Forget me on this device",
    open_hub: "Open your page: this week's actions and your team",
    forgotten: "This device no longer remembers you.",
    open_page: "Open it on its own page",
    network: "We could not reach the server. Check your connection and try again; you will not be signed twice.",
    rate_limited: "Too many signatures from your network right now. Please try again in a minute.",
    err_required: "This field is required.",
    err_too_long: "This is too long.",
    err_email: "Enter a valid email address, like name@example.com.",
    err_postal: "Enter a valid postal code for your country.",
    err_country: "Choose your country.",
    err_invalid: "Check this field.",
    err_challenge: "Complete the check above, then send again.",
};

pub const PT_BR: Text = Text {
    to: "Para",
    goal: "Meta",
    first_name: "Nome",
    last_name: "Sobrenome",
    email: "E-mail",
    postal_code: "CEP",
    country: "País",
    choose_country: "Escolha seu país",
    consent_legend: "Podemos manter você informado sobre esta campanha?",
    consent_yes: "Sim, quero receber novidades",
    consent_no: "Não, obrigado",
    fix_fields: "Corrija os campos destacados.",
    yes_share: "Sim, vou compartilhar",
    not_now: "Agora não",
    share_on: "Compartilhar no",
    copy_link: "Copiar link",
    copied: "Link copiado",
    more: "Mais opções",
    your_link: "Seu link pessoal",
    load_failed: "Não foi possível carregar.",
    welcome: "Que bom te ver de novo, ",
    this_week: " ações nesta semana",
    forget: "Não é você? Esquecer-me neste aparelho",
    open_hub: "Abra sua página: as ações da semana e sua equipe",
    forgotten: "Este aparelho não se lembra mais de você.",
    open_page: "Abrir em sua própria página",
    network: "Não conseguimos falar com o servidor. Verifique sua conexão e tente de novo; sua assinatura não será contada duas vezes.",
    rate_limited: "Muitas assinaturas da sua rede agora. Tente de novo em um minuto.",
    err_required: "Este campo é obrigatório.",
    err_too_long: "Este texto é longo demais.",
    err_email: "Digite um e-mail válido, como nome@exemplo.com.",
    err_postal: "Digite um CEP válido para o seu país.",
    err_country: "Escolha seu país.",
    err_invalid: "Verifique este campo.",
    err_challenge: "Conclua a verificação acima e envie de novo.",
};

pub const ES: Text = Text {
    to: "Para",
    goal: "Meta",
    first_name: "Nombre",
    last_name: "Apellido",
    email: "Correo electrónico",
    postal_code: "Código postal",
    country: "País",
    choose_country: "Elige tu país",
    consent_legend: "¿Podemos mantenerte informado sobre esta campaña?",
    consent_yes: "Sí, quiero recibir novedades",
    consent_no: "No, gracias",
    fix_fields: "Corrige los campos marcados.",
    yes_share: "Sí, la compartiré",
    not_now: "Ahora no",
    share_on: "Compartir en",
    copy_link: "Copiar enlace",
    copied: "Enlace copiado",
    more: "Más opciones",
    your_link: "Tu enlace personal",
    load_failed: "No se pudo cargar.",
    welcome: "Hola de nuevo, ",
    this_week: " acciones esta semana",
    forget: "¿No eres tú? Olvidarme en este dispositivo",
    open_hub: "Abre tu página: las acciones de la semana y tu equipo",
    forgotten: "Este dispositivo ya no te recuerda.",
    open_page: "Abrirlo en su propia página",
    network: "No pudimos conectar con el servidor. Revisa tu conexión e inténtalo de nuevo; tu firma no se contará dos veces.",
    rate_limited: "Demasiadas firmas desde tu red ahora mismo. Inténtalo de nuevo en un minuto.",
    err_required: "Este campo es obligatorio.",
    err_too_long: "Este texto es demasiado largo.",
    err_email: "Escribe un correo válido, como nombre@ejemplo.com.",
    err_postal: "Escribe un código postal válido para tu país.",
    err_country: "Elige tu país.",
    err_invalid: "Revisa este campo.",
    err_challenge: "Completa la verificación de arriba y vuelve a enviar.",
};

/// The one of three translations for `lang`: each widget keeps its own words this way.
pub fn pick<T>(lang: Lang, en: &'static T, pt_br: &'static T, es: &'static T) -> &'static T {
    match lang {
        Lang::En => en,
        Lang::PtBr => pt_br,
        Lang::Es => es,
    }
}

pub fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::En => &EN,
        Lang::PtBr => &PT_BR,
        Lang::Es => &ES,
    }
}

impl Text {
    /// The message shown next to a field for a validation error.
    pub fn field_error(&self, code: ErrorCode) -> &'static str {
        match code {
            ErrorCode::Required => self.err_required,
            ErrorCode::TooLong => self.err_too_long,
            ErrorCode::InvalidEmail => self.err_email,
            ErrorCode::InvalidPostalCode => self.err_postal,
            ErrorCode::InvalidCountry => self.err_country,
            ErrorCode::ChallengeFailed => self.err_challenge,
            _ => self.err_invalid,
        }
    }
}

/// The words that differ between a petition and a pledge, per language.
pub struct ActWords {
    pub count: &'static str,
    pub progress: &'static str,
    pub recent: &'static str,
    pub submit: &'static str,
    pub submitting: &'static str,
    pub thanks: &'static str,
    pub already: &'static str,
    pub will_you_share: &'static str,
    /// Why sharing matters.
    pub share_why: &'static str,
    pub share_text: &'static str,
    pub closing: &'static str,
    pub closed: &'static str,
    pub show_name: &'static str,
    /// Pledges only: the reminder opt-in, and the calendar step.
    pub remind: &'static str,
    pub calendar: &'static str,
    pub google: &'static str,
}

/// A petition's words in `lang`.
pub fn petition(lang: Lang) -> &'static ActWords {
    pick(lang, &PETITION_EN, &PETITION_PT_BR, &PETITION_ES)
}

/// A pledge's words in `lang`.
pub fn pledge(lang: Lang) -> &'static ActWords {
    pick(lang, &PLEDGE_EN, &PLEDGE_PT_BR, &PLEDGE_ES)
}

pub const PETITION_EN: ActWords = ActWords {
    share_why: "A message from a friend is the most likely thing to make someone sign.",
    count: "signatures",
    progress: "Signatures toward the goal",
    recent: "Recent signers",
    submit: "Sign the petition",
    submitting: "Signing…",
    thanks: "Thank you for signing!",
    already: "You have already signed this petition. Thank you!",
    will_you_share: "Will you share this petition with your friends?",
    share_text: "I just signed this petition. Will you sign too?",
    closing: "Thank you. Every signature counts.",
    closed: "This petition is closed.",
    show_name: "Show my first name and initial in the list of signers",
    remind: "",
    calendar: "",
    google: "",
};

pub const PETITION_PT_BR: ActWords = ActWords {
    share_why: "Uma mensagem de um amigo é o que mais leva alguém a assinar.",
    count: "assinaturas",
    progress: "Assinaturas rumo à meta",
    recent: "Assinaturas recentes",
    submit: "Assinar a petição",
    submitting: "Assinando…",
    thanks: "Obrigado por assinar!",
    already: "Você já assinou esta petição. Obrigado!",
    will_you_share: "Você vai compartilhar esta petição com seus amigos?",
    share_text: "Acabei de assinar esta petição. Assine você também?",
    closing: "Obrigado. Cada assinatura conta.",
    closed: "Esta petição está encerrada.",
    show_name: "Mostrar meu nome e inicial na lista de assinaturas",
    remind: "",
    calendar: "",
    google: "",
};

pub const PETITION_ES: ActWords = ActWords {
    share_why: "Un mensaje de un amigo es lo que más anima a alguien a firmar.",
    count: "firmas",
    progress: "Firmas hacia la meta",
    recent: "Firmas recientes",
    submit: "Firmar la petición",
    submitting: "Firmando…",
    thanks: "¡Gracias por firmar!",
    already: "Ya firmaste esta petición. ¡Gracias!",
    will_you_share: "¿Compartirás esta petición con tus amigos?",
    share_text: "Acabo de firmar esta petición. ¿Firmas tú también?",
    closing: "Gracias. Cada firma cuenta.",
    closed: "Esta petición está cerrada.",
    show_name: "Mostrar mi nombre e inicial en la lista de firmas",
    remind: "",
    calendar: "",
    google: "",
};

pub const PLEDGE_EN: ActWords = ActWords {
    share_why: "A message from a friend is what most often brings someone along.",
    count: "pledges",
    progress: "Pledges toward the goal",
    recent: "Recent pledges",
    submit: "I pledge",
    submitting: "Pledging…",
    thanks: "Thank you for pledging!",
    already: "You have already made this pledge. Thank you!",
    will_you_share: "Will you ask your friends to pledge too?",
    share_text: "I just pledged. Will you join me?",
    closing: "Thank you. See you there.",
    closed: "This pledge is closed.",
    show_name: "Show my first name and initial in the list of pledges",
    remind: "Remind me before the day",
    calendar: "Add to calendar (.ics)",
    google: "Google Calendar",
};

pub const PLEDGE_PT_BR: ActWords = ActWords {
    share_why: "Uma mensagem de um amigo é o que mais traz alguém junto.",
    count: "compromissos",
    progress: "Compromissos rumo à meta",
    recent: "Compromissos recentes",
    submit: "Eu me comprometo",
    submitting: "Enviando…",
    thanks: "Obrigado pelo compromisso!",
    already: "Você já assumiu este compromisso. Obrigado!",
    will_you_share: "Você vai convidar seus amigos a se comprometerem também?",
    share_text: "Acabei de assumir este compromisso. Vem comigo?",
    closing: "Obrigado. Nos vemos lá.",
    closed: "Este compromisso está encerrado.",
    show_name: "Mostrar meu nome e inicial na lista de compromissos",
    remind: "Quero um lembrete antes do dia",
    calendar: "Adicionar à agenda (.ics)",
    google: "Google Agenda",
};

pub const PLEDGE_ES: ActWords = ActWords {
    share_why: "Un mensaje de un amigo es lo que más anima a alguien a sumarse.",
    count: "compromisos",
    progress: "Compromisos hacia la meta",
    recent: "Compromisos recientes",
    submit: "Me comprometo",
    submitting: "Enviando…",
    thanks: "¡Gracias por comprometerte!",
    already: "Ya asumiste este compromiso. ¡Gracias!",
    will_you_share: "¿Invitarás a tus amigos a comprometerse también?",
    share_text: "Acabo de comprometerme. ¿Te sumas?",
    closing: "Gracias. Nos vemos allí.",
    closed: "Este compromiso está cerrado.",
    show_name: "Mostrar mi nombre e inicial en la lista de compromisos",
    remind: "Recordármelo antes del día",
    calendar: "Añadir al calendario (.ics)",
    google: "Google Calendar",
};
