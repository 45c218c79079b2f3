from datetime import timedelta

from bot.devtools.people import COORDINATOR, CROSS, HIRING_MANAGER, LEADER, PEER, RECRUITER


async def test_schedule_panel_end_to_end(bot):
    start = bot.clock.now() + timedelta(days=2)
    basics = {
        "candidate": "Ada Lovelace",
        "role_title": "Senior Data Engineer",
        "responsibilities": "Own the ingestion pipelines.",
        "round": "2",
        **bot.local_fields(start, "America/New_York"),
        "duration": "60",
        "format": "conversation",
        "location": "https://meet.example.com/abc",
        "hiring_manager": HIRING_MANAGER,
        "recruiter": RECRUITER,
        "resume_url": "https://files.example.com/ada.pdf",
    }
    panel = await bot.schedule(
        COORDINATOR,
        basics,
        {
            PEER: ("technical_depth", "peer"),
            CROSS: ("stakeholder_alignment", "cross_functional"),
            LEADER: ("culture_values", "leadership"),
        },
    )
    assert panel.reference == "P-1"
    dm = bot.fake.dms_to(COORDINATOR)[-1]
    print(dm["text"])
