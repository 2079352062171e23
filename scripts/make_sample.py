"""Build the bundled sample: a fictional English metropolitan borough, as a devolve workbook.

Usage: ``python scripts/make_sample.py OUT.xlsx`` (``make sample`` writes sample_services.xlsx).

Calderbridge Metropolitan Borough Council does not exist. Its services, budgets and
neighbourhoods are invented to look like a northern met borough of about 220,000 people, so
that the app, the tests and a first-time user all have something realistic to work on. Services
carry real Local Government Service List ids (data/lgsl_local_services.csv) where one fits, so
the sample shows how a council's own catalogue maps onto the national taxonomy.

Everything comes from fixed tables and one seeded ``random.Random``: the same script always
builds the same Assessment, so the committed workbook can be checked against it.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from devolve.assess.assemble import assemble
from devolve.assess.capacity import default_volunteer_hours, neighbourhood
from devolve.assess.decompose import ActivityRecord
from devolve.core.domain import Assessment, Neighbourhood, Priorities, Service
from devolve.core.rubric import Rubric
from devolve.core.scenario import Scenario
from devolve.core.terms import Benefit, Criterion, Offer, ServiceType, SolverName, Stage
from devolve.io.toml import load_rubric
from devolve.io.write import write_workbook

SEED = 20260401
COUNCIL = "Calderbridge Metropolitan Borough Council"
SCENARIO_NAME = "Calderbridge MBC (fictional council) - base scenario 2026/27"

O, U, P, R = Criterion.OUTCOMES, Criterion.UNBUNDLING, Criterion.PARTNERSHIP, Criterion.RESILIENCE
T = ServiceType

ASC = "Adults' Social Care & Health"
CHS = "Children's Services & Education"
PH = "Public Health"
REGS = "Regulatory Services"
ENV = "Neighbourhoods & Environment"
HOU = "Housing"
REG = "Regeneration & Culture"
RES = "Resources & Customer Services"

# id, name, directorate, type, net annual budget £, statutory duty in England, outcomes, LGSL id
SERVICES: tuple[tuple, ...] = (
    ("ASC01", "Adult social care assessment and care management", ASC, T.PERSONAL, 9_850_000, True, ("public_health",), 209),
    ("ASC02", "Home care and reablement", ASC, T.PERSONAL, 26_400_000, True, ("public_health",), None),
    ("ASC03", "Residential and nursing care for older people", ASC, T.PERSONAL, 38_750_000, True, ("public_health",), None),
    ("ASC04", "Support for adults with learning disabilities and autistic adults", ASC, T.PERSONAL, 31_200_000, True, ("public_health", "economic_wellbeing"), None),
    ("ASC05", "Day opportunities and day centres", ASC, T.PERSONAL, 4_350_000, False, ("public_health", "positive_contribution"), 296),
    ("ASC06", "Community equipment, adaptations and telecare", ASC, T.INFRASTRUCTURE, 3_050_000, True, ("public_health", "community_safety"), 178),
    ("ASC07", "Support for unpaid carers", ASC, T.PERSONAL, 1_640_000, True, ("public_health",), None),
    ("ASC08", "Meals at home and community lunch clubs", ASC, T.PERSONAL, 580_000, False, ("public_health",), 315),
    ("ASC09", "Adult safeguarding", ASC, T.PERSONAL, 2_380_000, True, ("community_safety",), None),
    ("CHS01", "Children's social work and child protection", CHS, T.PERSONAL, 23_600_000, True, ("stay_safe",), None),
    ("CHS02", "Children in care: fostering and placements", CHS, T.PERSONAL, 36_900_000, True, ("stay_safe", "enjoy_and_achieve"), 159),
    ("CHS03", "Early help and family hubs", CHS, T.PERSONAL, 6_300_000, False, ("be_healthy", "stay_safe", "enjoy_and_achieve"), 1579),
    ("CHS04", "Youth services and activities", CHS, T.PERSONAL, 1_850_000, True, ("enjoy_and_achieve", "positive_contribution"), 1116),
    ("CHS05", "Special educational needs assessment and support", CHS, T.PERSONAL, 5_400_000, True, ("enjoy_and_achieve", "economic_wellbeing"), 9),
    ("CHS06", "Home to school transport", CHS, T.TRANSACTIONAL, 11_200_000, True, ("enjoy_and_achieve",), 3),
    ("CHS07", "Short breaks for disabled children", CHS, T.PERSONAL, 2_750_000, True, ("be_healthy", "enjoy_and_achieve"), 260),
    ("PH01", "Health visiting and school nursing (0-19)", PH, T.PERSONAL, 7_850_000, True, ("be_healthy", "public_health"), None),
    ("PH02", "Sexual health services", PH, T.PERSONAL, 3_650_000, True, ("public_health",), None),
    ("PH03", "Drug and alcohol treatment and recovery", PH, T.PERSONAL, 4_700_000, False, ("public_health", "community_safety"), None),
    ("PH04", "Healthy lifestyles: stop smoking and weight management", PH, T.PERSONAL, 1_120_000, False, ("public_health", "be_healthy"), None),
    ("REGS01", "Food safety and health and safety at work", REGS, T.REGULATORY, 1_260_000, True, ("public_health",), None),
    ("REGS02", "Licensing: alcohol, taxis and gambling", REGS, T.REGULATORY, 480_000, True, ("community_safety",), 860),
    ("REGS03", "Noise and statutory nuisance", REGS, T.REGULATORY, 640_000, True, ("local_environment", "community_safety"), 412),
    ("REGS04", "Pest control", REGS, T.TRANSACTIONAL, 265_000, False, ("public_health",), 431),
    ("REGS05", "Dog warden and stray dogs", REGS, T.REGULATORY, 210_000, True, ("local_environment",), 432),
    ("REGS06", "Community safety and antisocial behaviour", REGS, T.REGULATORY, 1_450_000, True, ("community_safety",), 870),
    ("ENV01", "Household waste and recycling collection", ENV, T.INFRASTRUCTURE, 11_600_000, True, ("local_environment",), 524),
    ("ENV02", "Waste disposal levy and household waste recycling centres", ENV, T.INFRASTRUCTURE, 16_900_000, True, ("local_environment",), None),
    ("ENV03", "Street cleansing and litter", ENV, T.INFRASTRUCTURE, 5_350_000, True, ("local_environment",), 580),
    ("ENV04", "Fly-tipping and environmental enforcement", ENV, T.REGULATORY, 560_000, False, ("local_environment", "community_safety"), 587),
    ("ENV05", "Parks, playgrounds and open spaces", ENV, T.INFRASTRUCTURE, 4_650_000, False, ("local_environment", "be_healthy", "enjoy_and_achieve"), 461),
    ("ENV06", "Allotments", ENV, T.INFRASTRUCTURE, 115_000, True, ("local_environment", "public_health"), 510),
    ("ENV07", "Highway maintenance and winter gritting", ENV, T.INFRASTRUCTURE, 9_150_000, True, ("community_safety",), 557),
    ("ENV08", "Parking and civil enforcement", ENV, T.TRANSACTIONAL, 1_240_000, False, ("community_safety",), 471),
    ("HOU01", "Homelessness prevention and temporary accommodation", HOU, T.PERSONAL, 8_400_000, True, ("public_health", "economic_wellbeing"), 112),
    ("HOU02", "Disabled facilities grants and home improvement agency", HOU, T.TRANSACTIONAL, 2_650_000, True, ("public_health",), 137),
    ("HOU03", "Private rented housing standards and empty homes", HOU, T.REGULATORY, 830_000, True, ("public_health", "local_environment"), 684),
    ("HOU04", "Sheltered housing and housing-related support", HOU, T.PERSONAL, 3_150_000, False, ("public_health",), 107),
    ("REG01", "Libraries and community hubs", REG, T.INFRASTRUCTURE, 3_920_000, True, ("enjoy_and_achieve", "economic_wellbeing"), 437),
    ("REG02", "Leisure centres and sport development", REG, T.INFRASTRUCTURE, 2_740_000, False, ("be_healthy", "public_health"), None),
    ("REG03", "Planning applications and development management", REG, T.REGULATORY, 1_620_000, True, ("local_environment",), 516),
    ("REG04", "Town centres, markets and community events", REG, T.INFRASTRUCTURE, 810_000, False, ("economic_wellbeing", "positive_contribution"), 1580),
    ("REG05", "Employment and skills support", REG, T.PERSONAL, 1_230_000, False, ("economic_wellbeing",), None),
    ("RES01", "Council tax and business rates", RES, T.TRANSACTIONAL, 3_580_000, True, (), 57),
    ("RES02", "Housing benefit and council tax support", RES, T.TRANSACTIONAL, 2_870_000, True, ("economic_wellbeing",), 69),
    ("RES03", "Customer contact centre and face-to-face help", RES, T.TRANSACTIONAL, 3_060_000, False, (), None),
    ("RES04", "Electoral registration and elections", RES, T.TRANSACTIONAL, 940_000, True, ("positive_contribution",), 364),
    ("RES05", "Voluntary and community sector grants", RES, T.TRANSACTIONAL, 1_120_000, False, ("positive_contribution",), 615),
    ("RES06", "Community transport", RES, T.INFRASTRUCTURE, 620_000, False, ("public_health", "economic_wellbeing"), 272),
)

# id, name, age profile (young / mixed / older), or a population for an agency-drawn district
NEIGHBOURHOODS: tuple[tuple[str, str, str, int | None], ...] = (
    ("N01", "Holmefield", "older", None),
    ("N02", "Scarth Moor", "older", None),
    ("N03", "Ackroyd Bottoms", "young", None),
    ("N04", "Brigsett", "mixed", None),
    ("N05", "Thornclough", "older", None),
    ("N06", "Netherlee", "young", None),
    ("N07", "Wykebank", "mixed", None),
    ("N08", "Hollin Edge", "older", None),
    ("N09", "Saltersgate", "young", None),
    ("N10", "Ravensholme", "mixed", None),
    ("N11", "Oakenrod", "mixed", None),
    ("N12", "Calderbridge Central district", "young", 54_000),
    ("N13", "Eastmoor district", "mixed", 37_000),
    ("N14", "Sowerthwaite and Lowfold district", "older", 28_000),
)
"""The last three are housing-management districts, far larger than any place residents name."""

USERS: dict[str, int] = {
    "ASC01": 4_800, "ASC02": 2_100, "ASC03": 1_350, "ASC04": 960, "ASC05": 640, "ASC07": 5_400,
    "ASC08": 720, "ASC09": 1_150, "CHS01": 2_600, "CHS02": 520, "CHS03": 9_800, "CHS04": 6_500,
    "CHS05": 3_200, "CHS07": 450, "PH03": 1_900, "HOU01": 2_900, "HOU04": 1_600, "ENV06": 1_150,
    "REG01": 38_000, "REG02": 21_000, "REG05": 2_300, "RES06": 3_100,
}
"""Residents (or households) served a year, from the services' own returns; the rest take the
rubric's usual share for their type. Care is used by few, so its outcomes reach few residents."""

PRIORITIES: tuple[tuple[str, str, tuple[tuple[str, float], ...]], ...] = (
    ("N03", "Ackroyd Bottoms residents' forum, February 2026",
     (("outcomes", 3), ("partnership", 1), ("resilience", 1), ("volunteer_time", 1),
      ("CHS04", 5), ("ENV05", 4), ("REGS06", 5), ("CHS03", 3))),
    ("N05", "Thornclough ward survey, autumn 2025 (412 responses)",
     (("outcomes", 2), ("resilience", 3), ("volunteer_time", 1), ("ASC08", 5), ("RES06", 4), ("ASC07", 4))),
    ("N12", "Calderbridge Central participatory budgeting workshop, March 2026",
     (("ENV03", 5), ("REGS06", 4), ("ENV05", 3), ("REG01", 3))),
)
"""What three neighbourhoods said they want: weights on the benefits (a forum and a survey) and
priorities for services (all three), on the 1-5 scale the forms used."""

AGE_PROFILE = {"young": (0.08, 0.14), "mixed": (0.15, 0.21), "older": (0.22, 0.32)}
INTERMEDIARIES = {"young": (0, 4), "mixed": (2, 7), "older": (4, 10)}
AUDITED = ("N01", "N03", "N05", "N08", "N10")
"""Neighbourhoods whose volunteer hours come from the 2025 volunteering audit, not the rubric."""

KH = "Strategy Officer (KH)"
JB = "Head of Neighbourhoods (JB)"
PSW = "Principal Social Worker"
AS = "Community Development Manager (AS)"
DPH = "Consultant in Public Health"
SM = "Service manager"


def _rec(service_id: str, stage: Stage, **kw) -> ActivityRecord:
    return ActivityRecord(service_id=service_id, stage=stage, **kw)


def _scores(o: int | None = None, u: int | None = None, p: int | None = None, r: int | None = None):
    return {c: v for c, v in ((O, o), (U, u), (P, p), (R, r)) if v is not None}


S = Stage
ACTIVITY_RECORDS: tuple[ActivityRecord, ...] = (
    # ------------------------------------------------------------------ statutory must-retain
    _rec("ASC01", S.DELIVERY, must_retain=True,
         retain_reason="Care Act 2014 needs assessments and eligibility decisions are the council's own duty; neighbourhood groups can help people prepare, not decide."),
    _rec("ASC09", S.MANAGEMENT, must_retain=True,
         retain_reason="Section 42 safeguarding enquiries are led and managed by the council's safeguarding team."),
    _rec("ASC09", S.DELIVERY, must_retain=True,
         retain_reason="Safeguarding decisions about adults at risk stay with qualified staff under the Care Act 2014."),
    _rec("CHS01", S.MANAGEMENT, must_retain=True,
         retain_reason="Child protection caseloads must be supervised by registered social work managers."),
    _rec("CHS01", S.DELIVERY, must_retain=True,
         retain_reason="Section 47 enquiries and decisions to seek care orders (Children Act 1989) are held by qualified social workers."),
    _rec("RES04", S.DELIVERY, must_retain=True,
         retain_reason="Electoral registration duties are personal to the Electoral Registration Officer and cannot be delegated to a neighbourhood body."),
    _rec("REG03", S.DELIVERY, must_retain=True,
         retain_reason="Planning decisions are taken by committee or under the officer scheme of delegation; neighbourhood plans shape policy, not decisions."),
    _rec("CHS06", S.DELIVERY, must_retain=True, cost_share=0.88,
         retain_reason="Operator contracts run to July 2028; re-letting routes early would cost more than any local gain."),
    _rec("ENV02", S.DELIVERY, must_retain=True, cost_share=0.9,
         retain_reason="Disposal runs through the combined authority's waste contract to 2034; the levy is set by the waste authority."),
    # ------------------------------------------------------------------ cost shares from cost-centre analysis
    _rec("ENV03", S.DELIVERY, cost_share=0.74, evidence="Street cleansing cost-centre analysis 2025/26"),
    _rec("ENV03", S.MANAGEMENT, cost_share=0.09, evidence="Street cleansing cost-centre analysis 2025/26"),
    _rec("ASC03", S.COMMISSIONING, cost_share=0.04, evidence="ASC purchasing budget book 2025/26"),
    _rec("ASC03", S.DELIVERY, cost_share=0.86, evidence="ASC purchasing budget book 2025/26"),
    _rec("CHS02", S.DELIVERY, cost_share=0.84, evidence="Placements budget 2025/26"),
    _rec("REG01", S.MANAGEMENT, cost_share=0.14, evidence="Library service restructure report, 2024"),
    # ------------------------------------------------------------------ assessed: parks (two assessors disagree)
    _rec("ENV05", S.DELIVERY, cost_share=0.56, assessor=KH, scores=_scores(4, 4, 4, 3),
         rationale="Friends of Parks groups already run litter picks and bulb planting in 9 of 14 areas; the work is naturally local and volunteers bring their own time.",
         evidence="Friends of Parks register, March 2026"),
    _rec("ENV05", S.DELIVERY, assessor=JB, scores=_scores(3, 4, 2, 3),
         rationale="The strong Friends groups are in the older western areas; in Ackroyd Bottoms and Netherlee there is no group, so a partnership there would lean on two or three people.",
         evidence="Friends of Parks register, March 2026"),
    _rec("ENV05", S.DESIGN, assessor=KH, scores=_scores(4, 3, 3, 3),
         rationale="Play area redesigns consulted on in 2024 drew 600 responses; residents know which corners feel unsafe after dark.",
         evidence="Play strategy consultation report 2024"),
    _rec("ENV05", S.MANAGEMENT, assessor=JB, scores=_scores(3, 3, 3, 2),
         rationale="Day-to-day management of a park (keys, bookings, volunteer rotas) could sit with a Friends group with a ranger on call; risk unchanged if the ranger stays.",
         evidence=None),
    _rec("ENV05", S.PRIORITISATION, assessor=AS, scores=_scores(4, 4, 3, 3),
         rationale="Ward walkabouts already set local priorities for parks informally; formalising them costs little.",
         evidence="Ward walkabout notes 2025"),
    # ------------------------------------------------------------------ street cleansing
    _rec("ENV03", S.ASSESSMENT, assessor=JB, scores=_scores(4, 4, 3, 3),
         rationale="Street representatives check cleansing standards against the code of practice; residents spot missed streets before our inspectors do.",
         evidence="Community contracts pilot, Wykebank 2023"),
    _rec("ENV03", S.DELIVERY, assessor=JB, scores=_scores(3, 2, 2, 2),
         rationale="Litter picking can be local, but mechanical sweeping depends on the depot fleet; separating the two gains little.",
         evidence=None),
    _rec("ENV03", S.PRIORITISATION, assessor=KH, scores=_scores(3, 4, 3, 3),
         rationale="Hotspots (takeaways, school routes) are known street by street; neighbourhood priorities would redirect crews without extra cost.",
         evidence=None),
    # ------------------------------------------------------------------ libraries (disagreement on partnership)
    _rec("REG01", S.DELIVERY, assessor=AS, scores=_scores(3, 3, 4, 3),
         rationale="Two branch libraries have been co-run with volunteers since 2019 and opening hours rose; a community hub model works where a trust already exists.",
         evidence="Volunteer library review 2025"),
    _rec("REG01", S.DELIVERY, assessor=SM, scores=_scores(2, 3, 2, 2),
         rationale="Volunteer-run branches needed professional staff back for children's sessions; the statutory comprehensive service still needs a core team.",
         evidence="Volunteer library review 2025"),
    _rec("REG01", S.DESIGN, assessor=AS, scores=_scores(4, 3, 3, 3),
         rationale="Hub users shaped the Thornclough refit, which doubled under-5s visits; design benefits from local knowledge.",
         evidence="Thornclough hub evaluation 2024"),
    # ------------------------------------------------------------------ adult social care
    _rec("ASC02", S.DELIVERY, assessor=PSW, scores=_scores(3, 2, 2, 1),
         rationale="Regulated personal care must be delivered by CQC-registered providers; neighbourhood involvement helps with befriending, but failure of a small provider hits vulnerable people hard.",
         evidence="Market position statement 2025"),
    _rec("ASC02", S.DELIVERY, assessor=KH, scores=_scores(3, 3, 3, 3),
         rationale="Neighbourhood-based care teams elsewhere cut travel time and turnover; many local carers would spread the risk rather than add to it.",
         evidence="Buurtzorg-style pilot literature review"),
    _rec("ASC02", S.PLANNING, assessor=PSW, scores=_scores(3, 3, 3, 2),
         rationale="Planning care rounds by neighbourhood fits the patch-based commissioning we already use.",
         evidence=None),
    _rec("ASC05", S.DELIVERY, assessor=AS, scores=_scores(4, 4, 4, 3),
         rationale="Community centres in six areas already host day activities run by local groups; people would rather go near home.",
         evidence="Day opportunities review 2025"),
    _rec("ASC05", S.DESIGN, assessor=AS, scores=_scores(4, 3, 3, 3),
         rationale="People using day services and their carers want to shape the offer; co-design sessions in 2025 were well attended.",
         evidence=None),
    _rec("ASC07", S.DELIVERY, assessor=PSW, scores=_scores(4, 3, 4, 3),
         rationale="Carers' centres and faith groups already run peer support; carers trust local groups more than the council.",
         evidence="Carers' strategy engagement 2025"),
    _rec("ASC08", S.DELIVERY, assessor=AS, scores=_scores(4, 4, 4, 4),
         rationale="Lunch clubs are run by volunteers in 11 venues; they tackle isolation as much as nutrition, and many small clubs mean one closing does not leave a gap.",
         evidence="Lunch club directory 2026"),
    _rec("ASC08", S.MANAGEMENT, assessor=AS, scores=_scores(3, 4, 3, 3),
         rationale="Clubs already manage their own rotas; the council only handles food hygiene checks.",
         evidence=None),
    _rec("ASC01", S.PRIORITISATION, assessor=PSW, scores=_scores(2, 1, 2, 1),
         rationale="Eligibility is national; local priorities could only change where preventative work is targeted.",
         evidence=None),
    _rec("ASC09", S.PRIORITISATION, assessor=PSW, scores=_scores(2, 1, 1, 2),
         rationale="Safeguarding priorities are set by the Safeguarding Adults Board with police and NHS partners across the borough; a neighbourhood view adds little.",
         evidence="Safeguarding Adults Board strategic plan 2025-28"),
    _rec("ASC09", S.ASSESSMENT, assessor=PSW, scores=_scores(3, 2, 3, 2),
         rationale="A trusted local advocacy group could gather feedback from people who went through an enquiry, as Making Safeguarding Personal asks; judging the enquiry itself stays with us.",
         evidence=None),
    _rec("ASC03", S.DELIVERY, assessor=PSW, scores=_scores(2, 1, 1, 1),
         rationale="Care homes serve the whole borough and beyond; a neighbourhood cannot run or commission a home, and a failing home is a borough-wide emergency.",
         evidence="Care home market sustainability plan"),
    # ------------------------------------------------------------------ children
    _rec("CHS03", S.DELIVERY, assessor=PSW, scores=_scores(4, 3, 3, 3),
         rationale="Family hubs work best when parents' groups and local schools run sessions alongside staff; outcomes for under-5s improve with local relationships.",
         evidence="Family hubs evaluation 2025"),
    _rec("CHS03", S.PRIORITISATION, assessor=AS, scores=_scores(4, 4, 3, 3),
         rationale="Parents' panels already tell each hub which sessions to run; neighbourhood priorities would formalise this.",
         evidence=None),
    _rec("CHS04", S.DELIVERY, assessor=AS, scores=_scores(4, 4, 4, 3),
         rationale="Youth clubs run by local trusts and churches reach young people the council's mobile team does not; the youth work duty can be met through them.",
         evidence="Youth provision mapping 2025"),
    _rec("CHS04", S.DELIVERY, assessor=KH, scores=_scores(3, 4, 3, 2),
         rationale="Local youth provision is patchy: strong in the older areas, thin in Saltersgate and Netherlee where need is highest, so failure risk there is real.",
         evidence="Youth provision mapping 2025"),
    _rec("CHS04", S.DESIGN, assessor=AS, scores=_scores(4, 4, 3, 3),
         rationale="The youth council co-designed two centres' programmes in 2024; attendance rose by a third.",
         evidence=None),
    _rec("CHS05", S.ASSESSMENT, assessor=PSW, scores=_scores(3, 2, 3, 2),
         rationale="Parent carer forums review how well support plans work; their reviews are trusted by families.",
         evidence="Parent carer forum annual report"),
    # ------------------------------------------------------------------ public health
    _rec("PH04", S.DELIVERY, assessor=DPH, scores=_scores(4, 4, 3, 3),
         rationale="Walking groups and community weight-management sessions run by local volunteers reach people who never come to clinic.",
         evidence="Healthy lifestyles uptake data 2025"),
    _rec("PH03", S.DELIVERY, assessor=DPH, scores=_scores(3, 2, 2, 1),
         rationale="Clinical treatment must stay with the commissioned provider; recovery communities help, but a small local provider failing would put people at risk.",
         evidence=None),
    _rec("PH01", S.DELIVERY, assessor=DPH, scores=_scores(3, 2, 2, 2),
         rationale="The mandated contacts need qualified health visitors; peer breastfeeding supporters add value alongside them.",
         evidence=None),
    # ------------------------------------------------------------------ regulatory
    _rec("REGS01", S.DELIVERY, assessor=SM, scores=_scores(1, 0, 1, 0),
         rationale="Food hygiene inspections need warranted officers and a consistent enforcement policy; splitting them by area would break the Food Law Code of Practice.",
         evidence="Food Law Code of Practice (England)"),
    _rec("REGS06", S.PRIORITISATION, assessor=JB, scores=_scores(4, 4, 3, 3),
         rationale="Neighbourhood PACT meetings already set local antisocial behaviour priorities with the police.",
         evidence="PACT minutes 2025"),
    _rec("REGS06", S.DELIVERY, assessor=JB, scores=_scores(3, 3, 3, 3),
         rationale="Street representatives and residents' associations report and deter problems early; enforcement powers stay with officers.",
         evidence=None),
    _rec("REGS05", S.DELIVERY, assessor=SM, scores=_scores(2, 1, 1, 1),
         rationale="Stray dog collection needs kennelling contracts and out-of-hours cover at borough scale.",
         evidence=None),
    _rec("ENV04", S.ASSESSMENT, assessor=JB, scores=_scores(3, 4, 3, 3),
         rationale="Residents photograph and report fly-tips through the app; local groups could verify clearance.",
         evidence=None),
    # ------------------------------------------------------------------ place and resources
    _rec("ENV06", S.MANAGEMENT, assessor=AS, scores=_scores(4, 4, 4, 4),
         rationale="Four allotment associations already self-manage their sites; the waiting list fell where they did.",
         evidence="Allotment associations survey 2025"),
    _rec("ENV07", S.PRIORITISATION, assessor=JB, scores=_scores(3, 3, 2, 2),
         rationale="Residents could rank footway repairs locally, but carriageway priorities follow the borough's asset management plan.",
         evidence="Highways asset management plan"),
    _rec("ENV07", S.DELIVERY, assessor=SM, scores=_scores(1, 0, 1, 1),
         rationale="Resurfacing and gritting run from one depot on one network; they cannot be split by neighbourhood.",
         evidence=None),
    _rec("ENV01", S.DELIVERY, assessor=SM, scores=_scores(2, 0, 1, 2),
         rationale="Collection rounds cross neighbourhood boundaries and use one fleet; separating them would break the rounds.",
         evidence="Round optimisation study 2023"),
    _rec("ENV01", S.DESIGN, assessor=AS, scores=_scores(3, 2, 2, 2),
         rationale="Terraced streets need different bin arrangements from estates; residents know which work.",
         evidence=None),
    _rec("RES05", S.FINANCING, assessor=KH, scores=_scores(4, 3, 3, 2),
         rationale="Participatory budgeting rounds in 2023 and 2024 allocated small grants well; residents voted in larger numbers than in any consultation.",
         evidence="Participatory budgeting evaluation 2024"),
    _rec("RES05", S.GOVERNANCE, assessor=KH, scores=_scores(3, 3, 3, 2),
         rationale="Ward forums could hold local grant programmes to account, as they did for participatory budgeting.",
         evidence=None),
    _rec("RES05", S.PRIORITISATION, assessor=AS, scores=_scores(4, 4, 4, 3),
         rationale="Community anchor organisations know local needs; they already advise on grant priorities informally.",
         evidence=None),
    _rec("RES03", S.DELIVERY, assessor=SM, scores=_scores(3, 2, 2, 2),
         rationale="Face-to-face help in hubs could be local, but the phone and web channels gain from one contact centre.",
         evidence="Customer access strategy 2025"),
    _rec("RES01", S.DELIVERY, assessor=SM, scores=_scores(1, 0, 1, 1),
         rationale="Billing and recovery run on one revenues system with statutory timetables; there is nothing to unbundle locally.",
         evidence=None),
    _rec("RES06", S.DELIVERY, assessor=AS, scores=_scores(4, 4, 4, 3),
         rationale="Community transport is already run by two charities with volunteer drivers; a local operator in each area could fill rural gaps.",
         evidence="Community transport review 2025"),
    _rec("REG04", S.DELIVERY, assessor=AS, scores=_scores(4, 4, 4, 3),
         rationale="Most community events are organised by local groups with a council events officer checking safety plans.",
         evidence=None),
    _rec("HOU01", S.DELIVERY, assessor=SM, scores=_scores(3, 2, 2, 1),
         rationale="Homelessness decisions under Part 7 must stay with housing officers; local advice agencies help with prevention, but a failed referral can leave a family without a roof.",
         evidence=None),
    _rec("HOU04", S.DELIVERY, assessor=SM, scores=_scores(3, 3, 3, 3),
         rationale="Sheltered schemes have residents' committees that run social activities and keep an eye on neighbours.",
         evidence=None),
)


TRANSITION_BUDGET = 1_000_000.0
"""One-off £ to set arrangements up, 0.3% of the net revenue budget: a year-one neighbourhood
programme fund (about 140 partnerships and the local bodies they need, at the rubric's fees)."""
RUNNING_COST_LIMIT = 0.0
"""Devolution may not add to the annual revenue budget overall: savings must cover lost scale."""
CONTINGENCY_RESERVE = 750_000.0
"""£ held back to step in where a devolved arrangement fails: about a tenth of the spend a
first programme would hand over, at the arrangements' failure rates of 5-12% a year."""
CAPACITY_USE = 0.5
"""Call on at most half of each neighbourhood's volunteer hours, leaving room for everything else."""
MIN_COLLECTIVE_SHARE = 0.3
"""Members want at least three in ten devolved activities run collectively (intermediaries,
forums), because collective co-production has larger and longer-lasting effects."""


def _neighbourhoods(rubric: Rubric, rng: random.Random) -> tuple[Neighbourhood, ...]:
    """Populations and age profiles drawn from ranges typical of the profile, from one seeded rng."""
    out = []
    for nid, name, profile, district_population in NEIGHBOURHOODS:
        low, high = AGE_PROFILE[profile]
        population = district_population or rng.randrange(4_200, 14_800, 10)
        share = round(rng.uniform(low, high), 3)
        lo_i, hi_i = INTERMEDIARIES[profile]
        intermediaries = rng.randint(lo_i, hi_i) + (4 if district_population else 0)
        hours = None  # estimated from population and age profile, marked a default
        if nid in AUDITED:
            derived = default_volunteer_hours(rubric, population, share)
            hours = float(round(derived * rng.uniform(0.75, 1.35) / 50) * 50)
        out.append(
            neighbourhood(
                rubric,
                neighbourhood_id=nid,
                name=name,
                population=population,
                share_aged_65_plus=share,
                volunteer_hours=hours,
                intermediaries=intermediaries,
            )
        )
    return tuple(out)


def _services() -> tuple[Service, ...]:
    return tuple(
        Service(
            service_id=sid,
            name=name,
            directorate=directorate,
            service_type=stype,
            annual_budget=float(budget),
            statutory=statutory,
            outcomes=outcomes,
            lgsl_id=lgsl,
            users=USERS.get(sid),
        )
        for sid, name, directorate, stype, budget, statutory, outcomes, lgsl in SERVICES
    )


def build_sample(rubric: Rubric | None = None) -> Assessment:
    """The whole fictional assessment, identical on every call."""
    rubric = rubric or load_rubric()
    rng = random.Random(SEED)
    services = _services()
    scenario = Scenario(
        name=SCENARIO_NAME,
        weights=rubric.default_weights(),
        transition_budget=TRANSITION_BUDGET,
        running_cost_limit=RUNNING_COST_LIMIT,
        contingency_reserve=CONTINGENCY_RESERVE,
        capacity_use=CAPACITY_USE,
        configurations=("citizen_coproduction", "third_sector_intermediary", "councillor_forum"),
        offer=Offer.DIFFERENTIATED,
        min_collective_share=MIN_COLLECTIVE_SHARE,
        solver=SolverName.HIGHS,
        time_limit_seconds=60,
        relative_gap=0.005,
    )
    return assemble(rubric, services, ACTIVITY_RECORDS, _neighbourhoods(rubric, rng), scenario, _priorities())


def _priorities() -> tuple[Priorities, ...]:
    out = []
    for nid, source, stated in PRIORITIES:
        weights = {Benefit(k): w for k, w in stated if k in {b.value for b in Benefit}}
        services = {k: w for k, w in stated if k not in {b.value for b in Benefit}}
        out.append(Priorities(neighbourhood_id=nid, source=source, weights=weights, services=services))
    return tuple(out)

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python scripts/make_sample.py OUT.xlsx", file=sys.stderr)
        return 2
    assessment = build_sample()
    out = Path(argv[0])
    write_workbook(assessment, out)
    budget = sum(s.annual_budget for s in assessment.services)
    print(
        f"{COUNCIL} (fictional): {len(assessment.services)} services, "
        f"£{budget / 1e6:,.1f}m, {len(assessment.neighbourhoods)} neighbourhoods -> {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
