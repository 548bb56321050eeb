"""Times ``checker.check`` on a 2,000-character draft (goal: under 5 ms).

Pure: no database. The first call, which reads the Spanish dictionary and compiles the
word lists once per process, is timed apart from the rest.
"""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand

from contentrules.checker import NetworkSpec, check

# A real-looking draft of a Junta Local, with a few slips for the rules to find.
DRAFT = (
    "La Junta Local Ejecutiva del INE en Jalisco informa que a partir del lunes 3 de marzo los módulos de "
    "atención ciudadana amplían su horario: de 8:00 a 20:00 horas de lunes a viernes y de 9:00 a 14:00 horas "
    "los sábados. Recuerda que tramitar tu credencial para votar es gratuito y que puedes agendar tu cita en "
    "https://ine.mx/credencial o llamando a INETEL al 800 433 2000. Si cumpliste 18 años o cambiaste de "
    "domicilio, acude con tu acta de nacimiento, una identificación con fotografía y un comprobante de "
    "domicilio reciente. Las personas mexicanas que viven en el extranjero pueden solicitar su credencial en "
    "los consulados. Durante el Proceso Electoral Federal 2026-2027 el Consejo General sesionará de manera "
    "pública; sigue la transmisión en vivo en https://ine.mx/sesiones y en nuestras redes sociales. "
    "Para dudas sobre el trámite escribe a atencion.ciudadana@ine.mx; no compartas tu CURP ni datos "
    "personales por mensaje directo. La capacitación electoral comienza en septiembre: las y los "
    "ciudadanos sorteados recibirán una visita en su domicilio para invitarlos a integrar las mesas "
    "directivas de casilla. Participar es un derecho y una obligación ciudadana que fortalece la democracia. "
    "Consulta la ubicación de tu módulo, los requisitos y los horarios en el portal del Instituto. Tambien "
    "puedes revisar si tu credencial está vigente y si apareces en la lista nominal. Yo creo que es muy "
    "importante que todos participen. ¡Te esperamos en los 23 módulos de la entidad! El INE somos todas y "
    "todos; la democracia se construye con la participación de la ciudadanía. Si la persona que te atendió "
    "no resolvió tu duda, comunícate con la Vocalía del Registro Federal de Electores de tu distrito. "
    "Recuerda que la credencial también es tu identificación oficial y que el trámite es personal. "
    "Los horarios pueden cambiar en días festivos; consulta el aviso en la página del Instituto y en "
    "las cuentas oficiales. Escribe a juan.perez@gmail.com si necesitas más información sobre la "
    "publicacion de resultados. #CredencialINE #INEJalisco"
)


class Command(BaseCommand):
    help = "Mide el revisor de textos (§6) con un borrador de 2,000 caracteres: meta, menos de 5 ms."

    def add_arguments(self, parser):
        parser.add_argument("--iterations", type=int, default=2000)

    def handle(self, *args, iterations: int, **options):
        network = NetworkSpec(code="facebook", name="Facebook", max_length=63206)
        text = DRAFT[:2000].ljust(2000)
        started = time.perf_counter()
        findings = check(text, network)
        first = time.perf_counter() - started
        times = []
        for _ in range(iterations):
            started = time.perf_counter()
            check(text, network)
            times.append(time.perf_counter() - started)
        times.sort()
        ms = [t * 1000 for t in times]
        self.stdout.write(
            f"{len(text)} caracteres, {len(findings)} observaciones, {iterations} repeticiones\n"
            f"primera llamada (diccionario y listas): {first * 1000:.1f} ms\n"
            f"mediana {statistics.median(ms):.2f} ms · p95 {ms[int(0.95 * len(ms)) - 1]:.2f} ms · "
            f"p99 {ms[int(0.99 * len(ms)) - 1]:.2f} ms · máximo {ms[-1]:.2f} ms"
        )
        for f in findings:
            self.stdout.write(f"  {f.criterion:<9} {f.severity:<8} {f.rule:<17} «{text[f.start : f.end][:40]}»")
