"""Each rule on real-looking Spanish drafts: what it must find, and what it must let pass."""

from __future__ import annotations

import pytest

from contentrules.checker import RULES, NetworkSpec, Severity, WordLists, check, default_lists

X = NetworkSpec(code="x", name="X (Twitter)", max_length=280)


def found(text: str, rule: str, network=None, lists=None) -> list[str]:
    return [text[f.start : f.end] for f in check(text, network, lists) if f.rule == rule]


def test_every_rule_is_registered():
    assert set(RULES) == {
        "personal_data", "reserved", "capitals", "length", "links", "chatter", "personal_opinion",
        "discourtesy", "partisan", "spam", "spelling",
    }  # fmt: skip


# --- personal data ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Para aclarar tu caso escribe a maria.lopez78@gmail.com con tu folio.", "maria.lopez78@gmail.com"),
        ("La funcionaria responsable es ana.ruiz@hotmail.com.mx", "ana.ruiz@hotmail.com.mx"),
        ("Comunícate con el vocal al (33) 3614-5566 de 9 a 15 h.", "(33) 3614-5566"),
        ("Llámale a Juan al 55 1234 5678 para tu cita.", "55 1234 5678"),
        ("WhatsApp del capacitador: +52 1 33 1234 5678", "+52 1 33 1234 5678"),
        ("Su CURP es GOMA850101HJCRRN09, ya quedó registrada.", "GOMA850101HJCRRN09"),
        ("Factura a nombre de RFC GOMA850101AB1.", "GOMA850101AB1"),
        ("La clave de elector GMRRJN85010114H300 aparece en la lista.", "GMRRJN85010114H300"),
        ("Revisa tu OCR 1234567890123 en el reverso.", "OCR 1234567890123"),
        ("Línea del reverso: IDMEX1234567890<<0123456789012", "IDMEX1234567890<<0123456789012"),
        ("Llámanos al 33-3614-5566.", "33-3614-5566"),
        ("Celular del enlace: 044 33 3614 5566", "044 33 3614 5566"),
        ("Celular del enlace: 045 33 3614 5566", "045 33 3614 5566"),
        ("Escribe a jperez@outlook.com", "jperez@outlook.com"),
    ],
)
def test_personal_data_is_found_and_blocks(text, expected):
    findings = [f for f in check(text) if f.rule == "personal_data"]
    assert [text[f.start : f.end] for f in findings] == [expected]
    assert findings[0].severity == Severity.BLOCKS and findings[0].criterion == "§6.iii"


@pytest.mark.parametrize(
    "text",
    [
        "Dudas sobre tu credencial: escribe a atencion.ciudadana@ine.mx o a consultas@centralelectoral.ine.mx.",
        "Llama a INETEL al 800 433 2000, sin costo desde todo el país.",
        "En 2026-2027 habrá 300 distritos y 2,500 módulos; el folio 123456 sigue vigente.",
        "La sesión empieza a las 10:00 horas del 15/03/2027.",
        "El Partido Acción Nacional registró su plataforma ante el Consejo General.",
        "Consulta https://ine.mx/credencial/?folio=3312345678 para más datos.",
        # Quantities grouped in thousands with spaces (the SI and RAE style) are not phones.
        "El presupuesto ejercido fue de 1 234 567 890 pesos.",
        "La Lista Nominal suma 98 329 591 personas; en 2024 hubo 1 000 000 000 de boletas.",
        # The Institute's own published lines: INETEL from abroad and the switchboard.
        "Desde el extranjero, INETEL: +52 55 5481 9897.",
        "Conmutador de oficinas centrales: 55 5628 4200.",
    ],
)
def test_institutional_contacts_and_ordinary_numbers_are_not_personal_data(text):
    assert found(text, "personal_data") == []


def test_a_street_address_with_colonia_asks_for_a_consultation():
    text = "Te esperamos en Av. Juárez núm. 123, Col. Centro, Guadalajara."
    [finding] = [f for f in check(text) if f.rule == "personal_data"]
    assert text[finding.start : finding.end].startswith("Av. Juárez núm. 123")
    assert finding.severity == Severity.CONSULT
    assert found("La avenida principal del distrito tiene 3 módulos.", "personal_data") == []


# --- reserved --------------------------------------------------------------------------------


def test_reserved_words_ask_for_a_consultation():
    text = "Les compartimos el proyecto de acuerdo, de carácter CONFIDENCIAL, antes de la sesión."
    findings = [f for f in check(text) if f.rule == "reserved"]
    assert [text[f.start : f.end] for f in findings] == ["proyecto de acuerdo", "CONFIDENCIAL"]
    assert {f.severity for f in findings} == {Severity.CONSULT}


def test_an_approved_agreement_is_not_reserved():
    assert found("El Consejo General aprobó el acuerdo INE/CG123/2026 sobre los debates.", "reserved") == []


def test_the_reserved_list_comes_from_the_lists_passed_in():
    lists = WordLists(reserved=("minuta interna",))
    assert found("Adjuntamos la Minuta  Interna de la junta.", "reserved", lists=lists) == ["Minuta  Interna"]
    assert found("Es confidencial.", "reserved", lists=lists) == []


# --- capitals ----------------------------------------------------------------------------------


def test_a_run_of_capitals_is_advice():
    text = "ÚLTIMO DÍA PARA TRAMITAR TU CREDENCIAL: acude a tu módulo."
    [finding] = [f for f in check(text) if f.rule == "capitals"]
    assert text[finding.start : finding.end] == "ÚLTIMO DÍA PARA TRAMITAR TU CREDENCIAL"
    assert finding.severity == Severity.ADVICE and finding.criterion == "§6.xxiii"


@pytest.mark.parametrize(
    "text",
    [
        "El INE y la UNICOM informan: la credencial es GRATUITA.",
        "Recuerda: NO compartas tu CURP.",
        "Su CURP GOMA850101HJCRRN09 y su RFC no se publican.",
    ],
)
def test_acronyms_and_a_word_of_emphasis_are_fine(text):
    assert found(text, "capitals") == []


# --- length --------------------------------------------------------------------------------------


def test_a_post_over_the_network_limit_blocks_and_marks_the_excess():
    text = "La Junta Distrital 05 informa el horario de sus módulos. " * 6
    [finding] = [f for f in check(text, X) if f.rule == "length"]
    assert (finding.start, finding.end) == (280, len(text)) and finding.severity == Severity.BLOCKS
    assert "X (Twitter) admite 280" in finding.message


def test_length_is_not_checked_without_a_network_or_a_limit():
    text = "Texto largo. " * 40
    assert found(text, "length", network=X) and found(text, "length") == []
    assert found(text, "length", network=NetworkSpec("whatsapp", "Canal de WhatsApp", None)) == []
    assert found("Hoy abre el módulo.", "length", network=X) == []


# --- links ---------------------------------------------------------------------------------------


def test_a_link_outside_the_institute_is_advice():
    text = "Consulta la nota en https://www.eluniversal.com.mx/nacion/nota.html y opina."
    [finding] = [f for f in check(text) if f.rule == "links"]
    assert text[finding.start : finding.end] == "https://www.eluniversal.com.mx/nacion/nota.html"
    assert "eluniversal.com.mx" in finding.message and finding.severity == Severity.ADVICE


@pytest.mark.parametrize(
    "text",
    [
        "Agenda tu cita en https://ine.mx/credencial.",
        "Sigue la sesión en centralelectoral.ine.mx/sesiones y en x.com/INEMexico.",
        "Consulta la Plataforma Nacional de Transparencia: https://www.plataformadetransparencia.org.mx/",
    ],
)
def test_institutional_and_allowed_links_pass(text):
    assert found(text, "links") == []


def test_an_allowed_account_does_not_allow_the_whole_network():
    assert found("Síguenos en x.com/OtraCuenta", "links") == ["x.com/OtraCuenta"]


# --- chatter and personal opinions -----------------------------------------------------------------


def test_everyday_chatter_is_advice():
    text = "Ya es viernes y qué calor, jajaja. Hoy abrimos el módulo."
    assert found(text, "chatter") == ["Ya es viernes", "qué calor", "jajaja"]


def test_first_person_opinions_are_advice():
    text = "En mi opinión, la reforma no ayuda. Personalmente prefiero el voto en urna."
    assert found(text, "personal_opinion") == ["En mi opinión", "Personalmente"]


def test_institutional_voice_is_fine():
    text = "El INE informa que la credencial es gratuita. Creemos en la participación ciudadana."
    assert found(text, "chatter") == [] and found(text, "personal_opinion") == []


# --- courtesy -------------------------------------------------------------------------------------------


def test_insults_and_threats_to_block_block_a_reply():
    text = "No sea ignorante, ya le explicamos. Si sigue así lo vamos a bloquear."
    findings = [f for f in check(text) if f.rule == "discourtesy"]
    assert [text[f.start : f.end] for f in findings] == ["ignorante", "lo vamos a bloquear"]
    assert {f.severity for f in findings} == {Severity.BLOCKS} and findings[0].criterion == "§6.xix"


def test_a_courteous_reply_passes():
    text = "Gracias por su comentario. Con gusto le orientamos: puede consultar los requisitos en ine.mx."
    assert found(text, "discourtesy") == []


def test_cncs_extends_the_discourteous_list():
    lists = WordLists(discourteous=("mamarrach*",))
    assert found("Qué mamarrachada de pregunta.", "discourtesy", lists=lists) == ["mamarrachada"]


# --- partisan -------------------------------------------------------------------------------------------


def test_party_names_during_a_process_ask_for_a_consultation():
    lists = WordLists(partisan=("Morena", "PAN", "vota por"), electoral_process="Proceso Electoral Federal 2026-2027")
    text = "Vota por Morena o por el PAN en junio."
    findings = [f for f in check(text, lists=lists) if f.rule == "partisan"]
    assert [text[f.start : f.end] for f in findings] == ["Vota por", "Morena", "PAN"]
    assert {f.severity for f in findings} == {Severity.CONSULT}
    assert "Proceso Electoral Federal 2026-2027" in findings[0].message


def test_outside_a_process_a_party_name_is_advice_and_bread_is_bread():
    lists = WordLists(partisan=("PAN",))
    assert [f.severity for f in check("El PAN presentó su plataforma.", lists=lists)] == [Severity.ADVICE]
    assert found("Compartimos pan de muerto con el personal.", "partisan", lists=lists) == []


# --- spam -------------------------------------------------------------------------------------------


def test_repeated_sentences_and_too_many_hashtags_or_mentions_are_spam():
    text = "Tramita tu credencial hoy mismo. Tramita tu credencial hoy mismo. #INE #Credencial #Voto #México"
    spans = found(text, "spam")
    assert spans == ["Tramita tu credencial hoy mismo", "#México"]
    mentions = "Gracias @uno @dos @tres @cuatro @cinco @seis por asistir."
    assert found(mentions, "spam") == ["@seis"]


def test_a_normal_post_is_not_spam():
    text = "Tramita tu credencial. #CredencialINE #INEJalisco Gracias @INEMexico y @INEtelMX."
    assert found(text, "spam") == []


# --- spelling --------------------------------------------------------------------------------------------


def test_missing_accents_and_common_mistakes_are_found_with_suggestions():
    text = "La publicacion de resultados sera mañana. Tambien habrá atencion en el modulo. Ojalá no haiga filas."
    findings = [f for f in check(text) if f.rule == "spelling"]
    pairs = {text[f.start : f.end]: f.suggestions for f in findings}
    assert pairs["publicacion"] == ("publicación",)
    assert pairs["Tambien"] == ("También",)
    assert pairs["atencion"] == ("atención",)
    assert pairs["haiga"] == ("haya",)
    assert all(f.severity == Severity.ADVICE and f.criterion == "§6.xxii" for f in findings)


def test_swapped_letters_are_found():
    [finding] = [f for f in check("Trae tu credencail vigente.") if f.rule == "spelling"]
    assert finding.suggestions == ("credencial",)


def test_institutional_words_names_and_inflections_pass():
    text = (
        "La Junta Distrital 05 en Guadalajara, Jalisco, y las consejerías informan: todos los ciudadanos "
        "pueden votar. Visítanos en los módulos; la credencialización sigue. Síguenos en TikTok."
    )
    assert found(text, "spelling") == []


def test_vocabulary_is_extended_by_the_lists():
    lists = default_lists()
    assert found("Tlajomulco recibe la caravana.", "spelling", lists=lists) == []  # a proper name
    assert "insaculación" in lists.vocabulary or "insaculación" in " ".join(lists.vocabulary)


# --- the checker as a whole --------------------------------------------------------------------------------


def test_findings_are_in_text_order_and_serialise():
    text = "Escribe a pepe@gmail.com. CONFIDENCIAL."
    findings = check(text)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    data = findings[0].as_dict()
    assert data["rule"] == "personal_data" and data["severity"] == "blocks"
    assert data["severity_label"] == "Impide publicar" and data["start"] == 10 and data["end"] == 24


def test_an_empty_or_odd_text_finds_nothing_and_never_fails():
    assert check("") == []
    for odd in ("\x00", "²٣", "9" * 10_000, "İ" * 50 + "ÍNDICE"):
        check(odd, X)
