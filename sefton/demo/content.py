"""Illustrative wording of the Sefton CLAS review plan (demo data only).

The source deck gives each section's themes and owning organisations, but not the
exact wording of the CQC's 49 recommendations. The recommendation texts, topics,
sub-action templates and lead job titles below are invented from those themes for
demonstration only. They name no real people and hold no children's data.
"""

SECTIONS = [
    {
        "number": 1,
        "title": (
            "CSE (child sexual exploitation) training; develop GP systems; timeliness of "
            "IHAs (Initial Health Assessments) for LAC (looked-after children); services for "
            "adults with ADHD (attention deficit hyperactivity disorder); culture of challenge; "
            "transformation plan for mental health services"
        ),
        "owners": ["ss-ccg", "sf-ccg"],
        "recommendations": [
            {
                "text": "Designated professionals in South Sefton and Southport and Formby CCGs should ensure that GPs and practice staff receive training in recognising and responding to child sexual exploitation.",
                "topic": "child sexual exploitation training for GPs",
                "owners": ["ss-ccg", "sf-ccg"],
                "phc": False,
            },
            {
                "text": "South Sefton and Southport and Formby CCGs should ensure that GP record systems reliably flag children subject to a child protection plan and children who are looked after.",
                "topic": "safeguarding alerts on GP record systems",
                "owners": ["ss-ccg", "sf-ccg"],
                "phc": False,
            },
            {
                "text": "South Sefton CCG should ensure that GP practices routinely share relevant information with child protection conferences and record the outcome in the child's record.",
                "topic": "GP contributions to child protection conferences",
                "owners": ["ss-ccg"],
                "phc": False,
            },
            {
                "text": "South Sefton and Southport and Formby CCGs should ensure that initial health assessments for looked-after children are completed within statutory timescales.",
                "topic": "timely initial health assessments for looked-after children",
                "owners": ["ss-ccg", "sf-ccg"],
                "phc": False,
            },
            {
                "text": "Southport and Formby CCG should monitor the timeliness of initial health assessments through its contract and quality processes and act where performance falls short.",
                "topic": "contract monitoring of initial health assessment timeliness",
                "owners": ["sf-ccg"],
                "phc": False,
            },
            {
                "text": "South Sefton and Southport and Formby CCGs should commission an assessment and treatment pathway for adults with ADHD so that parents and carers can access support.",
                "topic": "the pathway for adults with ADHD",
                "owners": ["ss-ccg", "sf-ccg"],
                "phc": False,
            },
            {
                "text": "Designated professionals in South Sefton and Southport and Formby CCGs should promote a culture of professional challenge and escalation across health providers.",
                "topic": "professional challenge and escalation",
                "owners": ["ss-ccg", "sf-ccg"],
                "phc": False,
            },
            {
                "text": "South Sefton CCG should ensure that the learning from case reviews about professional challenge is shared with primary care practitioners.",
                "topic": "sharing case review learning with primary care",
                "owners": ["ss-ccg"],
                "phc": False,
            },
            {
                "text": "South Sefton and Southport and Formby CCGs should deliver the local transformation plan for children and young people's mental health services within agreed timescales.",
                "topic": "the children's mental health transformation plan",
                "owners": ["ss-ccg", "sf-ccg"],
                "phc": False,
            },
        ],
    },
    {
        "number": 2,
        "title": (
            "Flexible home visiting in the antenatal period; routine enquiry for DA (domestic "
            "abuse) more than once in pregnancy; consideration of child safeguarding when adults "
            "present in ED (the emergency department); consideration of FGM (female genital "
            "mutilation) in sexual health services; audit and monitoring of compliance with the "
            "procedure for non-attendance at maternity appointments; develop a system to quickly "
            "identify under-18s in ED"
        ),
        "owners": ["s-and-o"],
        "recommendations": [
            {
                "text": "Southport and Ormskirk Hospital NHS Trust should ensure that community midwives offer flexible home visits during the antenatal period, including for women who are hard to engage.",
                "topic": "flexible antenatal home visiting",
                "owners": ["s-and-o"],
                "phc": False,
            },
            {
                "text": "Southport and Ormskirk Hospital NHS Trust should ensure that midwives make routine enquiry about domestic abuse more than once during pregnancy and record the response.",
                "topic": "repeated routine enquiry about domestic abuse in pregnancy",
                "owners": ["s-and-o"],
                "phc": False,
            },
            {
                "text": "Southport and Ormskirk Hospital NHS Trust should ensure that emergency department staff consider the safety of any children when adults present with risk-taking behaviour.",
                "topic": "think-child practice when adults attend the emergency department",
                "owners": ["s-and-o"],
                "phc": False,
            },
            {
                "text": "Southport and Ormskirk Hospital NHS Trust should ensure that sexual health practitioners routinely consider female genital mutilation and record their assessment.",
                "topic": "female genital mutilation enquiry in sexual health services",
                "owners": ["s-and-o"],
                "phc": True,
                "phc_reason": "Sexual health services are commissioned by Sefton Council Public Health: the service specification should require routine enquiry about female genital mutilation and its recording.",
            },
            {
                "text": "Southport and Ormskirk Hospital NHS Trust should audit and monitor compliance with the procedure for following up women who do not attend maternity appointments.",
                "topic": "follow-up of missed maternity appointments",
                "owners": ["s-and-o"],
                "phc": False,
            },
            {
                "text": "Southport and Ormskirk Hospital NHS Trust should develop a system that quickly identifies under-18s attending the emergency department so that safeguarding checks are made.",
                "topic": "rapid identification of under-18s in the emergency department",
                "owners": ["s-and-o"],
                "phc": False,
            },
        ],
    },
    {
        "number": 3,
        "title": (
            "Work together to ensure practitioners working with pregnant women are aware of the "
            "LSCB (Local Safeguarding Children Board) process for pre-birth assessments"
        ),
        "owners": ["ss-ccg", "sf-ccg", "s-and-o", "lwh", "nwbh"],
        "recommendations": [
            {
                "text": "The CCGs, Southport and Ormskirk, Liverpool Women's and North West Boroughs trusts should work together so that practitioners working with pregnant women know the LSCB pre-birth assessment process.",
                "topic": "awareness of the LSCB pre-birth assessment process",
                "owners": ["ss-ccg", "sf-ccg", "s-and-o", "lwh", "nwbh"],
                "phc": False,
            },
        ],
    },
    {
        "number": 4,
        "title": (
            "Training and monitoring so that safeguarding risks are considered in ED (the "
            "emergency department); CAMHS (child and adolescent mental health services) processes "
            "to include child exploitation, hidden harm and managerial oversight; response to MASH "
            "(multi-agency safeguarding hub) requests with managerial oversight and monitoring"
        ),
        "owners": ["ahch"],
        "recommendations": [
            {
                "text": "Alder Hey Children's NHS Foundation Trust should ensure that emergency department staff are trained to identify and act on safeguarding risks for every child who attends.",
                "topic": "safeguarding training for emergency department staff",
                "owners": ["ahch"],
                "phc": False,
            },
            {
                "text": "Alder Hey Children's NHS Foundation Trust should monitor emergency department records to confirm that safeguarding risks are consistently considered and documented.",
                "topic": "monitoring of safeguarding assessment in ED records",
                "owners": ["ahch"],
                "phc": False,
            },
            {
                "text": "Alder Hey Children's NHS Foundation Trust should ensure that CAMHS assessment processes include the risk of child exploitation and hidden harm from parental difficulties.",
                "topic": "child exploitation and hidden harm in CAMHS assessments",
                "owners": ["ahch"],
                "phc": False,
            },
            {
                "text": "Alder Hey Children's NHS Foundation Trust should ensure that managerial oversight of CAMHS safeguarding cases is regular and recorded in the child's record.",
                "topic": "managerial oversight of CAMHS safeguarding cases",
                "owners": ["ahch"],
                "phc": False,
            },
            {
                "text": "Alder Hey Children's NHS Foundation Trust should ensure that requests for information from the MASH are answered promptly, with managerial oversight and monitoring of quality.",
                "topic": "responses to MASH information requests",
                "owners": ["ahch"],
                "phc": False,
            },
        ],
    },
    {
        "number": 5,
        "title": (
            "Oversight of LAC (looked-after children); improve the quality of RHAs (Review Health "
            "Assessments) for LAC; timely access to IHAs (Initial Health Assessments); training and "
            "supervision for team managers; strengthen processes for uploading lower-priority "
            "documents to children's records"
        ),
        "owners": ["nwbh"],
        "recommendations": [
            {
                "text": "North West Boroughs Healthcare NHS Foundation Trust should strengthen oversight of the health needs of looked-after children, including those placed outside Sefton.",
                "topic": "oversight of looked-after children's health needs",
                "owners": ["nwbh"],
                "phc": False,
            },
            {
                "text": "North West Boroughs Healthcare NHS Foundation Trust should improve the quality of review health assessments so that health plans are specific, measurable and reflect the child's views.",
                "topic": "the quality of review health assessments",
                "owners": ["nwbh"],
                "phc": False,
            },
            {
                "text": "North West Boroughs Healthcare NHS Foundation Trust should work with partners so that children entering care have timely access to an initial health assessment.",
                "topic": "timely access to initial health assessments",
                "owners": ["nwbh"],
                "phc": False,
            },
            {
                "text": "North West Boroughs Healthcare NHS Foundation Trust should ensure that team managers receive safeguarding training and supervision suited to their role.",
                "topic": "safeguarding training and supervision for team managers",
                "owners": ["nwbh"],
                "phc": False,
            },
            {
                "text": "North West Boroughs Healthcare NHS Foundation Trust should strengthen processes for uploading lower-priority documents to children's records so that no information is missed.",
                "topic": "uploading of lower-priority documents to children's records",
                "owners": ["nwbh"],
                "phc": False,
            },
        ],
    },
    {
        "number": 6,
        "title": (
            "Effective consideration of risks to unborn babies, children and YP (young people) "
            "when adults do not engage with substance misuse services"
        ),
        "owners": ["mersey-care"],
        "recommendations": [
            {
                "text": "Mersey Care NHS Foundation Trust should ensure that risks to unborn babies, children and young people are effectively considered when adults do not engage with substance misuse services.",
                "topic": "risks to children when adults disengage from substance misuse care",
                "owners": ["mersey-care"],
                "phc": True,
                "phc_reason": "Adult substance misuse services are commissioned by Public Health: contract monitoring should follow up adults who disengage and the risks to children in their care.",
            },
        ],
    },
    {
        "number": 7,
        "title": (
            "Robust information sharing with other health services when YP (young people) "
            "access the service"
        ),
        "owners": ["addaction"],
        "recommendations": [
            {
                "text": "Addaction should ensure that information is shared robustly with GPs and other health services when young people access its substance misuse service.",
                "topic": "information sharing when young people access the service",
                "owners": ["addaction"],
                "phc": True,
                "phc_reason": "Addaction's young people's service is commissioned by Public Health: information sharing with GPs should be written into its contract and checked at contract reviews.",
            },
        ],
    },
    {
        "number": 8,
        "title": (
            "Environmental risk assessments when YP (young people) are admitted experiencing "
            "a mental health crisis"
        ),
        "owners": ["s-and-o", "ahch"],
        "recommendations": [
            {
                "text": "Southport and Ormskirk and Alder Hey trusts should ensure that an environmental risk assessment is completed when a young person in mental health crisis is admitted to a ward.",
                "topic": "environmental risk assessment for young people in crisis",
                "owners": ["s-and-o", "ahch"],
                "phc": False,
            },
        ],
    },
    {
        "number": 9,
        "title": (
            "Improve and develop transition processes for YP (young people) likely to require "
            "intervention from adult mental health services"
        ),
        "owners": ["ahch", "mersey-care"],
        "recommendations": [
            {
                "text": "Alder Hey and Mersey Care trusts should improve transition processes for young people who are likely to need support from adult mental health services.",
                "topic": "transition from CAMHS to adult mental health services",
                "owners": ["ahch", "mersey-care"],
                "phc": False,
            },
        ],
    },
    {
        "number": 10,
        "title": (
            "Training on UASC (unaccompanied asylum-seeking children); SDQs (Strengths and "
            "Difficulties Questionnaires) available to health staff; alert for children placed "
            "for adoption; notification of LAC (looked-after children) status to better inform "
            "care planning; better liaison between CAMHS and LAC services; work with Sefton MBC "
            "(Sefton Council) to ensure family health history is available for IHAs"
        ),
        "owners": ["ahch", "nwbh"],
        "recommendations": [
            {
                "text": "Alder Hey and North West Boroughs trusts should ensure that practitioners are trained to understand and meet the health needs of unaccompanied asylum-seeking children.",
                "topic": "training on unaccompanied asylum-seeking children",
                "owners": ["ahch", "nwbh"],
                "phc": False,
            },
            {
                "text": "North West Boroughs Healthcare NHS Foundation Trust should ensure that strengths and difficulties questionnaire scores are available to health staff before health assessments.",
                "topic": "access to strengths and difficulties questionnaire scores",
                "owners": ["nwbh"],
                "phc": False,
            },
            {
                "text": "Alder Hey Children's NHS Foundation Trust should ensure that records carry an alert when a child is placed for adoption so that information is handled appropriately.",
                "topic": "record alerts for children placed for adoption",
                "owners": ["ahch"],
                "phc": False,
            },
            {
                "text": "North West Boroughs Healthcare NHS Foundation Trust should ensure that health practitioners are notified promptly when a child becomes looked after, to inform care planning.",
                "topic": "notification of looked-after status to health practitioners",
                "owners": ["nwbh"],
                "phc": False,
            },
            {
                "text": "Alder Hey Children's NHS Foundation Trust should improve liaison between CAMHS and the looked-after children's health team so that emotional health needs are met.",
                "topic": "liaison between CAMHS and looked-after children's services",
                "owners": ["ahch"],
                "phc": False,
            },
            {
                "text": "Alder Hey Children's NHS Foundation Trust should work with Sefton Council so that family health history is available to paediatricians completing initial health assessments.",
                "topic": "family health history for initial health assessments",
                "owners": ["ahch"],
                "phc": False,
            },
        ],
    },
    {
        "number": 11,
        "title": (
            "Work with Sefton MBC (Sefton Council) to develop a multi-agency approach that drives "
            "operational improvements in services for LAC (looked-after children)"
        ),
        "owners": ["ss-ccg", "sf-ccg", "ahch", "nwbh"],
        "recommendations": [
            {
                "text": "The CCGs, Alder Hey and North West Boroughs trusts should work with Sefton Council to develop a multi-agency approach that drives operational improvements in services for looked-after children.",
                "topic": "the multi-agency improvement plan for looked-after children",
                "owners": ["ss-ccg", "sf-ccg", "ahch", "nwbh"],
                "phc": False,
            },
        ],
    },
    {
        "number": 12,
        "title": (
            "Proactive follow-up and storage of child protection conference minutes; rolling "
            "programmes of training on effective capture of the voice of the child and on "
            "analysis and articulation of risk and its impact on children and YP (young people)"
        ),
        "owners": ["s-and-o", "lwh", "ahch", "nwbh", "mersey-care", "addaction"],
        "recommendations": [
            {
                "text": "Providers should proactively follow up child protection conference minutes that have not been received and ensure that they are stored promptly in the child's or parent's record.",
                "topic": "follow-up and storage of child protection conference minutes",
                "owners": ["s-and-o", "lwh", "ahch", "nwbh"],
                "phc": False,
            },
            {
                "text": "Providers should deliver a rolling programme of training so that practitioners effectively capture and record the voice of the child in their assessments and records.",
                "topic": "capturing the voice of the child",
                "owners": ["s-and-o", "lwh", "ahch", "nwbh", "mersey-care", "addaction"],
                "phc": False,
            },
            {
                "text": "Providers should deliver a rolling programme of training so that practitioners analyse and clearly articulate risk and its impact on children and young people in referrals and records.",
                "topic": "analysis and articulation of risk to children",
                "owners": ["ahch", "nwbh", "mersey-care", "addaction"],
                "phc": False,
            },
        ],
    },
    {
        "number": 13,
        "title": "Effective monitoring of midwives' compliance with level 3 safeguarding training",
        "owners": ["lwh", "s-and-o"],
        "recommendations": [
            {
                "text": "Liverpool Women's and Southport and Ormskirk trusts should effectively monitor midwives' compliance with level 3 safeguarding children training and act on any shortfall.",
                "topic": "midwives' compliance with level 3 safeguarding training",
                "owners": ["lwh", "s-and-o"],
                "phc": False,
            },
        ],
    },
    {
        "number": 14,
        "title": (
            "Robust quality assurance to ensure accurate information about mental health crises "
            "is documented and shared between ED (the emergency department) and adult mental "
            "health services"
        ),
        "owners": ["mersey-care", "s-and-o"],
        "recommendations": [
            {
                "text": "Mersey Care and Southport and Ormskirk trusts should quality assure that accurate information about mental health crises is documented and shared between the emergency department and adult mental health services.",
                "topic": "crisis information sharing between ED and adult mental health teams",
                "owners": ["mersey-care", "s-and-o"],
                "phc": False,
            },
        ],
    },
    {
        "number": 15,
        "title": (
            "Quality assurance of MASH (multi-agency safeguarding hub) referrals; mitigate risks "
            "from inconsistent record-keeping systems; further develop alert systems for children "
            "at risk; fully embed the 'Think Family' approach; embed chronologies that highlight "
            "risks quickly; ensure strong governance and managerial oversight through effective, "
            "accessible reflection, supervision and challenge documented in service users' records"
        ),
        "owners": ["s-and-o", "ahch", "nwbh", "mersey-care", "addaction"],
        "recommendations": [
            {
                "text": "Providers should quality assure referrals to the MASH so that they clearly set out the concerns, the risks to the child and the views of the child and family.",
                "topic": "the quality of referrals to the MASH",
                "owners": ["s-and-o", "ahch", "nwbh", "mersey-care", "addaction"],
                "phc": False,
            },
            {
                "text": "Providers should mitigate the risks arising from inconsistent record-keeping systems, so that practitioners can see all relevant safeguarding information in one place.",
                "topic": "risks from inconsistent record-keeping systems",
                "owners": ["s-and-o", "ahch", "nwbh"],
                "phc": False,
            },
            {
                "text": "Providers should further develop electronic alert systems so that children at risk, and adults whose circumstances pose risks to children, are clearly identified.",
                "topic": "alert systems for children at risk",
                "owners": ["s-and-o", "ahch", "mersey-care"],
                "phc": False,
            },
            {
                "text": "Providers should fully embed the 'Think Family' approach so that practitioners working with adults routinely consider the needs and safety of children in the household.",
                "topic": "the Think Family approach",
                "owners": ["nwbh", "mersey-care", "addaction"],
                "phc": True,
                "phc_reason": "Public Health commissions the adult drug and alcohol services: the 'Think Family' approach should be built into their specifications and quality visits.",
            },
            {
                "text": "Providers should embed the use of chronologies in children's and adults' records so that patterns of risk are highlighted quickly.",
                "topic": "chronologies that highlight risk",
                "owners": ["ahch", "nwbh", "mersey-care", "addaction"],
                "phc": False,
            },
            {
                "text": "Providers should ensure strong governance of safeguarding practice, with managerial oversight that is visible and regularly reported to the board.",
                "topic": "safeguarding governance and managerial oversight",
                "owners": ["s-and-o", "ahch"],
                "phc": False,
            },
            {
                "text": "Providers should ensure that effective, accessible safeguarding supervision, reflection and challenge take place and are documented in service users' records.",
                "topic": "recorded safeguarding supervision and challenge",
                "owners": ["s-and-o", "ahch", "nwbh", "mersey-care", "addaction"],
                "phc": False,
            },
        ],
    },
]

SUBACTION_TEMPLATES = [
    "Nominate a named lead and agree the scope of the work on {topic}",
    "Review current policy and practice on {topic} against national guidance",
    "Update the relevant policy or procedure to reflect the agreed approach to {topic}",
    "Map the gaps in current provision for {topic} and agree priorities",
    "Agree measurable standards for {topic} with the designated professionals",
    "Develop a briefing for front-line staff on {topic}",
    "Include {topic} in the mandatory safeguarding training programme",
    "Deliver targeted training sessions on {topic} to the teams concerned",
    "Add prompts on {topic} to the electronic record template",
    "Agree information-sharing arrangements with partner agencies on {topic}",
    "Cover {topic} in safeguarding supervision sessions",
    "Complete a baseline audit of {topic} and share the results with the team",
    "Carry out a re-audit of {topic} and report the findings to the safeguarding committee",
    "Add a quarterly measure on {topic} to the safeguarding dashboard",
    "Report progress on {topic} to the CCGs' Clinical and Quality Performance Group",
    "Share the learning on {topic} through the safeguarding newsletter",
    "Seek feedback from children, young people and families on {topic}",
    "Present evidence of sustained improvement in {topic} to the Task and Finish Group",
]

LEADS = {
    "ss-ccg": [
        "Designated Nurse Safeguarding Children",
        "Designated Doctor for Looked After Children",
        "Named GP for Safeguarding",
        "Head of Quality and Safeguarding",
    ],
    "sf-ccg": [
        "Designated Nurse Looked After Children",
        "Named GP for Safeguarding",
        "Deputy Chief Nurse",
        "Head of Mental Health Commissioning",
    ],
    "sefton-council": [
        "Public Health Commissioning Manager",
        "Service Manager, Children in Care",
        "Head of Safeguarding and Quality Assurance",
    ],
    "s-and-o": [
        "Named Nurse Safeguarding Children",
        "Named Midwife for Safeguarding",
        "Emergency Department Matron",
        "Head of Midwifery",
    ],
    "lwh": [
        "Named Midwife for Safeguarding",
        "Head of Safeguarding",
        "Community Midwifery Manager",
    ],
    "nwbh": [
        "Named Nurse Safeguarding Children",
        "Looked After Children Nurse Team Leader",
        "Service Manager, 0-19 Services",
        "Clinical Records Manager",
    ],
    "ahch": [
        "Named Nurse Safeguarding Children",
        "Named Doctor Safeguarding Children",
        "CAMHS Service Manager",
        "Emergency Department Nurse Consultant",
    ],
    "mersey-care": [
        "Named Nurse Safeguarding Children",
        "Safeguarding Practice Lead, Adult Mental Health",
        "Substance Misuse Service Manager",
    ],
    "addaction": [
        "Young People's Service Manager",
        "Safeguarding Lead",
        "Clinical Lead",
    ],
}
