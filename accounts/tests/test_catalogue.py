import pytest

from accounts.catalogue import OFFICIAL_ACCOUNTS, load_catalogue, read_districts
from accounts.models import Account, Entidad, Network, Organ

pytestmark = pytest.mark.django_db


def test_districts_file_sums_to_300_in_32_entidades():
    rows = read_districts()
    assert len(rows) == 32
    assert sum(n for _, _, n in rows) == 300


def test_catalogue_has_32_juntas_locales_and_300_distritales():
    load_catalogue()
    assert Organ.objects.filter(kind=Organ.Kind.JUNTA_LOCAL).count() == 32
    assert Organ.objects.filter(kind=Organ.Kind.JUNTA_DISTRITAL).count() == 300
    assert Entidad.objects.count() == 32


def test_each_entidad_has_its_districts_under_its_local_junta():
    load_catalogue()
    for code, name, districts in read_districts():
        local = Organ.objects.get(kind=Organ.Kind.JUNTA_LOCAL, entidad__code=code)
        assert name in local.name
        children = Organ.objects.filter(kind=Organ.Kind.JUNTA_DISTRITAL, entidad__code=code)
        assert children.count() == districts
        assert set(children.values_list("parent_id", flat=True)) == {local.pk}
        assert sorted(children.values_list("district_number", flat=True)) == list(range(1, districts + 1))


def test_known_entidades_have_their_district_counts():
    load_catalogue()
    expected = {"México": 40, "Ciudad de México": 22, "Jalisco": 20, "Baja California Sur": 2}
    for name, districts in expected.items():
        assert Organ.objects.filter(kind=Organ.Kind.JUNTA_DISTRITAL, entidad__name=name).count() == districts


def test_loading_twice_changes_nothing():
    first = load_catalogue()
    ids = set(Organ.objects.values_list("pk", flat=True))
    second = load_catalogue()
    assert first == second
    assert set(Organ.objects.values_list("pk", flat=True)) == ids


def test_the_four_official_accounts_are_seeded_active():
    load_catalogue()
    official = Account.objects.filter(is_official=True)
    assert official.count() == len(OFFICIAL_ACCOUNTS) == 4
    assert set(official.values_list("status", flat=True)) == {Account.Status.ACTIVE}
    assert set(official.values_list("handle", flat=True)) == {"INEMexico", "INETV", "INEtelMX"}


def test_networks_are_a_catalogue_with_whatsapp_and_threads():
    load_catalogue()
    assert {"x", "facebook", "youtube", "instagram", "tiktok", "threads", "whatsapp"} <= set(
        Network.objects.values_list("code", flat=True)
    )


def test_loading_again_writes_no_history_for_unchanged_organs():
    load_catalogue()
    before = Organ.history.count()
    load_catalogue()
    assert Organ.history.count() == before


def test_a_change_of_organ_head_is_kept_in_its_history(cast):
    cast.organ.head = cast.admin
    cast.organ._history_user = cast.cncs
    cast.organ.save()
    record = cast.organ.history.first()
    assert (record.head_id, record.history_user) == (cast.admin.pk, cast.cncs)


def test_each_network_has_its_update_cadence(db):
    """§6.xx: daily or weekly, by the network's dynamics; the evaluation compares gaps with it."""
    load_catalogue()
    cadence = dict(Network.objects.values_list("code", "update_cadence_days"))

    assert cadence["x"] == cadence["facebook"] == cadence["instagram"] == Network.Cadence.DAILY
    assert cadence["youtube"] == cadence["linkedin"] == cadence["whatsapp"] == Network.Cadence.WEEKLY
