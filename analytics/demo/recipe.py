"""What the #SolutionsJeunes demo reproduces, and the knobs of its synthetic part.

Published figures come from Make.org's results page of the Grande Cause
#SolutionsJeunes (2022). Everything marked "synthetic" is ours: chosen so the
vote-level data adds up exactly to the published figures and looks like a real
consultation.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Published: the consultation -------------------------------------------------

TOTAL_PROPOSALS = 2_864
TOTAL_PARTICIPANTS = 297_876
TOTAL_VOTES = 584_664

CONSULTATION = {
    "slug": "solutions-jeunes",
    "title": "#SolutionsJeunes",
    "question": "Quelles solutions pour que chaque jeune trouve sa place dans la société ?",
    "language": "fr",
    "country": "FR",
    "start_date": "2022-03-22",
    "end_date": "2022-05-22",
    "votes_target": 500_000,
    # Times in the bundle are naive local times of this zone (SPEC section 2).
    "timezone": "Europe/Paris",
    "context": (
        "Des millions de jeunes font face à des difficultés quotidiennes, se questionnent "
        "sur leur place dans la société. La crise sanitaire liée au Covid-19 a bouleversé "
        "leurs vies et creusé les inégalités entre eux. Parce qu’il est urgent de permettre "
        "à chaque jeune de s'émanciper, de trouver sa voie et de s'épanouir, Make.org et "
        "Mirova Forward réunissent toutes les forces de la société civile pour lancer la "
        "Grande Cause #SolutionsJeunes. Celle-ci commence par une consultation accessible "
        "à toutes et tous autour de la question “Quelles solutions pour que chaque jeune "
        "trouve sa place dans la société ?”, pour mobiliser largement la société civile, "
        "et construire ensemble des actions concrètes afin de donner les meilleures chances "
        "de réussite à notre jeunesse."
    ),
    # Initiators, supporters and partners, in the page's order.
    "partners": [
        "Make.org",
        "Mirova Forward",
        "Groupe La Poste",
        "Caisse des Dépôts",
        "Accenture",
        "Viva Technology",
        "Medef",
        "Mouvement Impact France",
        "Fondation Schneider Electric",
        "Natixis Foundation",
        "Secrétariat d'Etat auprès du ministre de l'Éducation nationale, de la Jeunesse "
        "et des Sports, chargé de la Jeunesse et de l'Engagement",
        "L'Etudiant",
        "Article 1",
        "CNJE",
        "Nightline France",
        "Linkee",
        "Live for Good",
        "Fédération Française des Banques Alimentaires",
        "Rêv'Elles",
        "Enactus",
        "Eloquantia",
        "TADAM",
    ],
}

# --- Published: the 19 big ideas in their 4 axes ----------------------------------


@dataclass(frozen=True)
class Idea:
    idea_id: str
    name: str
    axis: str
    agreement: int  # published "D'accord", % of the idea's votes
    like_it: int  # published "Coup de cœur"
    doable: int  # published "Réaliste"
    proposals: int  # synthetic: proposals grouped in the idea
    neutral: float  # synthetic: share of neutral votes


AXES = (
    "Insertion professionnelle",
    "À l'école",
    "Santé et conditions de vie",
    "Vie citoyenne et solidarité",
)
_A1, _A2, _A3, _A4 = AXES

IDEAS = (
    Idea("decouverte-monde-pro", "Favoriser la découverte du monde professionnel",
         _A1, 94, 26, 36, 152, 0.040),
    Idea("alternance",
         "Valoriser l'alternance, l'apprentissage et la formation professionnelle",
         _A1, 92, 24, 38, 148, 0.045),
    Idea("artisanat",
         "Mettre en avant l'artisanat, les métiers manuels et l’accès aux filières "
         "professionnelles",
         _A1, 93, 24, 37, 131, 0.040),
    Idea("recrutement", "Baser le recrutement des jeunes en entreprise sur de nouveaux critères",
         _A1, 90, 22, 34, 117, 0.050),
    Idea("orientation", "Repenser l'orientation scolaire des jeunes",
         _A2, 91, 23, 40, 159, 0.045),
    Idea("evolution-ecole", "Faire évoluer l'école et les enseignements",
         _A2, 88, 23, 35, 156, 0.055),
    Idea("socle-connaissances", "Garantir un socle minimum de connaissances pour les jeunes",
         _A2, 92, 23, 34, 104, 0.040),
    Idea("echec-scolaire", "Mieux prévenir et prendre en charge l'échec scolaire",
         _A2, 93, 23, 36, 126, 0.040),
    Idea("acces-etudes", "Faciliter financièrement l’accès aux études",
         _A2, 90, 23, 33, 138, 0.050),
    Idea("connaissance-de-soi",
         "Permettre aux jeunes de mieux se connaître : aptitudes, envies, confiance en soi",
         _A3, 90, 25, 33, 121, 0.055),
    Idea("handicap", "Mieux accompagner les jeunes en situation de handicap",
         _A3, 90, 21, 32, 102, 0.060),
    Idea("violences", "Mieux protéger et prendre en charge les jeunes contre les violences",
         _A3, 89, 24, 35, 133, 0.050),
    Idea("conditions-de-vie",
         "Garantir des conditions de vie décentes : logement, alimentaire, transport",
         _A3, 92, 24, 34, 157, 0.025),  # room for two controversial proposals' noWay
    Idea("sante-mentale", "Mieux reconnaître et prendre en charge la santé mentale des jeunes",
         _A3, 92, 26, 33, 149, 0.035),
    Idea("respect-civisme",
         "Mieux transmettre les valeurs de respect, de civisme et de vivre ensemble",
         _A4, 92, 33, 22, 143, 0.040),
    Idea("intergenerationnel", "Développer les liens Intergénérationnels, notamment dans l'emploi",
         _A4, 90, 22, 30, 108, 0.055),
    Idea("initiatives-citoyennes", "Stimuler les initiatives citoyennes et sociales des jeunes",
         _A4, 87, 18, 35, 119, 0.060),
    Idea("vie-adulte", "Mieux préparer les jeunes aux contraintes de la vie d'adulte",
         _A4, 83, 19, 33, 112, 0.070),
    Idea("environnement",
         "Encourager la sensibilisation et l'implication des jeunes à la cause environnementale",
         _A4, 88, 22, 33, 137, 0.050),
)

# Synthetic split of an idea's disagree votes and neutral votes into qualifications.
DISAGREE_QUALIFICATION_SHARES = {"noWay": 0.38, "impossible": 0.19, "platitudeDisagree": 0.06}
NEUTRAL_QUALIFICATION_SHARES = {"doNotUnderstand": 0.17, "noOpinion": 0.37, "doNotCare": 0.16}
# platitudeAgree is solved per idea so that the top_score order inside each axis is
# the published one: the first idea of an axis gets this much, the next ones what
# makes their top_score TOP_SCORE_STEP below the previous idea's.
MIN_PLATITUDE_AGREE = 0.02
TOP_SCORE_STEP = 0.012

# --- Published: the most controversial proposals ----------------------------------


@dataclass(frozen=True)
class Controversial:
    author: str
    content: str
    idea_id: str  # synthetic: the idea we file it under
    votes: int  # synthetic, a multiple of 100 so the published shares are exact
    agree: int  # published % "D'accord"
    disagree: int  # published % "Pas d'accord"
    like_it: float  # synthetic % Coup de cœur, spaces the controversy lower bounds
    no_way: float  # synthetic % Surtout pas !
    age_effect: float  # synthetic: >0 older participants agree more, <0 younger
    tags: str  # synthetic: debate-map tags


CONTROVERSIALS = (
    Controversial(
        "Marina",
        "Il faut instaurer un salaire universel pour chaque jeune de 18 à 25 ans afin "
        "qu'ils puissent préparer et envisager sereinement leur avenir",
        "acces-etudes", 1800, 40, 42, 21, 22, -0.45,
        "theme:Précarité|acteur:État|solution:Revenu universel"),
    Controversial(
        "Sylvie",
        "Il faut que les jeunes puissent toucher le RSA après leur dernière année scolaire "
        "et avant 25 ans.",
        "conditions-de-vie", 1500, 40, 45, 17, 23, -0.35,
        "theme:Précarité|acteur:État|solution:Minima sociaux"),
    Controversial(
        "Christine",
        "Il faut renvoyer les filles et les garçons faire le service militaire",
        "respect-civisme", 1300, 47, 37, 20, 17, 0.4,
        "theme:Citoyenneté|acteur:État|solution:Service militaire"),
    Controversial(
        "Break poverty foundation",
        "Il faut rendre obligatoire l’engagement auprès d’une association choisie par le "
        "jeune, une heure par semaine, à partir de la seconde.",
        "initiatives-citoyennes", 1100, 37, 39, 13, 15, 0.2,
        "theme:Engagement|acteur:École|solution:Obligation"),
    Controversial(
        "Michèle",
        "Il faut arrêter les notes, sujets de stress et les remplacer par des plages de "
        "niveaux : A, B, C, D.",
        "evolution-ecole", 1000, 32, 46, 12, 22, -0.25,
        "theme:Éducation|acteur:École|solution:Évaluation"),
    Controversial(
        "Aline",
        "Il faut faciliter l'accès à la propriété en rendant prioritaire les primo-accédants "
        "sur plus de logement (T1 et T2 compris)",
        "conditions-de-vie", 900, 44, 28, 15, 11, 0.1,
        "theme:Logement|acteur:État|solution:Accès à la propriété"),
)
# Synthetic shares of the other qualifications on these proposals.
CONTROVERSIAL_OTHER_SHARES = {
    "doable": 0.08, "platitudeAgree": 0.02, "impossible": 0.07, "platitudeDisagree": 0.02,
    "doNotUnderstand": 0.025, "noOpinion": 0.08, "doNotCare": 0.035,
}

# --- Synthetic: demographic effects on votes ---------------------------------------
# Per idea: (age effect per decade above 25, female effect) on the propensity to
# agree, against a logistic noise of scale 1. Small on purpose.
IDEA_VOTE_EFFECTS = {
    "acces-etudes": (-0.2, 0.0),
    "conditions-de-vie": (-0.15, 0.0),
    "violences": (0.0, 0.3),
    "respect-civisme": (0.2, 0.0),
    "environnement": (-0.15, 0.15),
}

# --- Synthetic: the mix of proposals -----------------------------------------------
# Zone profile shares, inside ideas and outside (the debate map's four zones).
IDEA_PROFILE_SHARES = {"consensus": 0.86, "controversy": 0.05, "rejection": 0.03,
                       "limbo": 0.06}
OTHER_PROFILE_SHARES = {"consensus": 0.35, "controversy": 0.25, "rejection": 0.20,
                        "limbo": 0.20}
# Popular proposals get many more votes; weaker ones are shown less (Make.org's
# sequence favours well-rated proposals).
PROFILE_VOTE_WEIGHT = {"consensus": 1.0, "controversy": 0.6, "rejection": 0.45, "limbo": 0.5}
VOTES_PER_PROPOSAL_SIGMA = 1.05
MIN_VOTES_PER_PROPOSAL = 12
# A controversial-looking proposal with this many votes is kept mild, so that only
# the six published ones top the "most controversial" list.
MIN_VOTES_LISTED = 100

# --- Synthetic: participants ---------------------------------------------------------
# Age bands of a youth consultation (vocabulary.AGE_BANDS labels), oldest capped at 85.
AGE_BAND_SHARES = {
    "8-15": 0.07, "16-24": 0.44, "25-34": 0.19, "35-44": 0.09,
    "45-54": 0.08, "55-64": 0.07, "65+": 0.06,
}
OLDEST_AGE = 85
MISSING_AGE_SHARE = 0.09
GENDER_SHARES = {"female": 0.53, "male": 0.43, "other": 0.012, "": 0.028}
# Over/under-representation of régions relative to their population.
REGION_REPRESENTATION = {
    "11": 1.25, "84": 1.10, "76": 1.0, "32": 0.95, "44": 0.95, "52": 1.10, "93": 0.90,
    "53": 1.10, "75": 0.85, "24": 1.05, "28": 0.90, "27": 0.80, "94": 0.50,
    "01": 0.45, "02": 0.45, "03": 0.45, "04": 0.50, "06": 0.40,
}
# How many votes a participant casts: 1 + a heavy-tailed extra (Lomax shape), older
# participants a little more.
VOTES_PER_PARTICIPANT_SHAPE = 1.5
MAX_VOTES_PER_PARTICIPANT = 400
AGE_VOTE_WEIGHT = {"8-15": 0.8, "16-24": 0.95, "25-34": 1.0, "35-44": 1.1, "45-54": 1.2,
                   "55-64": 1.3, "65+": 1.3}

# --- Synthetic: the campaign in time -------------------------------------------------
# The page dates the consultation (22 March - 22 May 2022) and says the 500,000-vote
# target was passed; the shape in between is ours. Intensity of visits per hour of
# local time = day factor x weekday x hour of day; participants' sittings follow it.

OPENING_HOUR = 8  # the consultation opens at 08:00 on launch day
LAUNCH_BOOST = 3.5  # launch day at 1 + LAUNCH_BOOST times the plateau...
LAUNCH_DECAY_DAYS = 4.0  # ...decaying over the first week
# Monday..Sunday. Partners relay the consultation on weekdays (newsletters, L'Etudiant,
# schools, associations, employers' networks), so weekdays are busier; Sunday evening
# picks up a little.
WEEKDAY_WEIGHT = (1.0, 1.12, 1.1, 1.05, 0.9, 0.62, 0.72)
# Hour 0..23: young people vote on their phones, mostly evenings, a lunch bump, few
# votes at night.
HOUR_WEIGHT = (0.35, 0.17, 0.08, 0.05, 0.04, 0.06, 0.18, 0.45, 0.75, 0.85, 0.95, 1.0,
               1.3, 1.25, 0.95, 0.9, 1.0, 1.2, 1.45, 1.6, 1.75, 1.8, 1.4, 0.8)
WEEKEND_MORNING_WEIGHT = 0.6  # 07:00-10:59 on Saturdays and Sundays: people sleep in
# (first day, last day, factor, why): real dates of 2022, factors ours.
CAMPAIGN_PERIODS = (
    ("2022-04-08", "2022-04-24", 0.85, "presidential election campaign takes the news"),
    ("2022-04-10", "2022-04-10", 0.7, "first round of the presidential election"),
    ("2022-04-24", "2022-04-24", 0.7, "second round of the presidential election"),
    ("2022-04-09", "2022-05-08", 0.9, "spring school holidays (zones A, B, C in turn)"),
)
# The media push (synthetic event): a morning radio interview relayed by the partners
# on social networks, then two days of echo.
MEDIA_PUSH_DATE = "2022-05-03"
MEDIA_PUSH_LABEL = "Temps fort médiatique : interview radio et relais des partenaires"
MEDIA_PUSH_FACTORS = (3.2, 1.7, 1.25)
# The last week's rush, 16 to 22 May (the last day, a Sunday, has the last call).
LAST_WEEK_RUSH = (1.3, 1.4, 1.5, 1.65, 1.85, 2.2, 2.8)
# Sittings: a participant votes a few proposals in a row (Make.org shows them one
# after another), then maybe comes back another day.
SITTING_VOTES = (4, 15)  # votes per sitting, drawn per participant in this range
SECONDS_PER_VOTE = 20
# Proposals: submitted mostly in the first weeks (after that, visitors mostly vote).
PROPOSAL_DECAY_DAYS = 18.0
CONTROVERSIAL_DAYS = 21  # the published controversial ones, in the first three weeks
# Older proposals collect more votes: creation order follows the rank of
# log(votes) + this much normal noise.
PROPOSAL_AGE_NOISE = 1.0
MILESTONE_LABELS = {
    "launch": "Lancement de la consultation",
    "target": "Objectif de {target} votes atteint",
    "close": "Clôture de la consultation",
}

# --- Published: the action plan shown on the page -----------------------------------
# The page shows the action plan of Make.org's earlier Grande Cause on child
# protection (2020); we keep it as published.

ACTIONS = [
    {
        "axis": "Sensibilisation, prévention",
        "name": "Etre ado.fr",
        "description": (
            "Offrir aux jeunes adolescents un espace de ressources et de discussion sur les "
            "thèmes de la violence, de l’amitié et des relations familiales pour leur "
            "permettre une prise de conscience des comportements abusifs, un soutien et une "
            "écoute et une redirection vers les structures de prise en charge."
        ),
        "problem": (
            "Les premières relations amoureuses, amicales, les premières difficultés "
            "familiales ainsi que les violences à l'école sont tout autant de difficultés "
            "auxquelles sont confrontés les jeunes adolescents. Il est essentiel de les "
            "aider à parler, à prendre conscience des comportements abusifs et des violences "
            "dont ils peuvent être victimes afin de les rediriger vers les structures "
            "compétentes pour les prendre en charge."
        ),
        "objective": "Accueillir et sensibiliser plus de 10 000 jeunes par an",
        "carriers": ["Porteur : association En Avant Toute(s)",
                     "Contributeurs potentiels : 119"],
        "proposal_ids": [],
        "quotes": [
            "« Il faut faire plus de sensibilisation / prévention contre le harcèlement "
            "scolaire, et ce, dès l'école primaire » — Capucine",
        ],
    },
    {
        "axis": "Sensibilisation, prévention",
        "name": "Clépsy",
        "description": (
            "Soutenir le développement d'une plateforme de ressources en ligne, lancée par le "
            "service de psychiatrie de l’enfant et de l’adolescent du CHU Robert Debré à "
            "Paris, pour aider les parents à mieux appréhender les troubles de leurs enfants "
            "et promouvoir une approche pragmatique de l’éducation non violente."
        ),
        "problem": (
            "Plus de 50% des parents se déclare se sentir seuls dans l’éducation de leurs "
            "enfants. Apporter des ressources scientifiques sur le développement et le "
            "fonctionnement de l’enfant est central pour limiter les incompréhensions et les "
            "frustrations, facteurs de violence."
        ),
        "objective": "Accompagner 2 millions parents sur les questions de parentalité",
        "carriers": ["Porteur : Clépsy"],
        "proposal_ids": [],
        "quotes": [
            "« Il faut développer l’accompagnement à la parentalité : travail avec les "
            "familles sur ce qu’est la violence et éduquer son enfant sans violence » — Camille",
        ],
    },
    {
        "axis": "Sensibilisation, prévention",
        "name": "Le clavier anti-haine",
        "description": (
            "Créer un clavier détectant les messages haineux afin d'inciter les enfants à "
            "mieux se comporter en ligne. Le clavier analyse le texte et donne à "
            "l'utilisateur un retour sur la potentielle gravité de ce qu'il écrit pour lui "
            "faire prendre conscience de son acte."
        ),
        "problem": (
            "Dans les violences faites aux enfants, le cyberharcèlement est bien trop souvent "
            "sous-estimé par rapport à la réalité. Et pourtant, c’est un collégien est sur "
            "cinq qui est confronté aux cyberviolences, et en 2020, les violences numériques "
            "ont augmenté de 57% par rapport à 2019, preuve que le harcèlement sait lui aussi "
            "se digitaliser. De plus, le cercle de la haine est difficile à enrayer. On "
            "compte pas moins d'un enfant sur deux harcelés qui devient harceleur à son tour."
        ),
        "objective": (
            "Faire prendre conscience aux enfants de la potentielle violence de leurs "
            "discours et briser la cercle de la haine."
        ),
        "carriers": [
            "Porteur : Association e-Enfance / 3018",
            "Porteur technologique : Bodyguard",
            "Soutien à la création de l'outil : BVA Nudge Unit",
        ],
        "proposal_ids": [],
        "quotes": [
            "« Il faut faire de la prévention sur les dangers d'internet » — Delphine",
            "« Il faut développer des sanctions alternatives de responsabilisation pour les "
            "jeunes auteurs de cyberviolences » — Sandrine",
        ],
    },
    {
        "axis": "Sensibilisation, prévention",
        "name": "Ton super-pouvoir",
        "description": (
            "Créer une série télévisée à destination des 6-8 ans, complétée d'un kit "
            "pédagogique distribué dans les écoles, sur le sujet des violences (violences "
            "sexuelles, harcèlement, discrimination…), afin de sensibiliser les enfants à "
            "l’importance de la parole pour lutter contre ces violences dont ils peuvent être "
            "victimes ou témoins."
        ),
        "problem": (
            "Inceste, violences sexuelles, harcèlement : les enfants victimes de violences "
            "n’ont souvent pas conscience d’être victime et n’osent pas en parler. Il faut "
            "briser les tabous, libérer la parole (et l’écoute) et ce dès le plus jeune âge."
        ),
        "objective": (
            "Sensibiliser 80% des 6-8 ans sur les violences dont ils peuvent être victimes "
            "grâce à la série animée"
        ),
        "carriers": [
            "Porteurs : Dominique Poussier, Franck Salomé, Nicolas Sedel, Fernando Worcel",
            "Producteur : 2 Minutes",
            "Contributeurs : Réseau Canopé, Bayard",
        ],
        "proposal_ids": [],
        "quotes": [
            "« Il faut apprendre à tout le monde qu’il n’y a pas de petites violences "
            "acceptables » — Nathalie",
        ],
    },
    {
        "axis": "Détection, signalement",
        "name": "E-learning santé",
        "description": (
            "Accompagner les professionnels de santé, en contact avec les enfants, dans la "
            "détection et le signalement des violences chez les enfants grâce à une "
            "sensibilisation en e-learning."
        ),
        "problem": (
            "Avec seulement 5 % des signalements d’enfants en danger réalisés par les "
            "médecins, le secteur médical est celui qui réalise le moins de signalements de "
            "ce type, alors que les professionnels de santé sont en contact régulier avec les "
            "enfants. Le manque de formation et la peur de se tromper peuvent expliquer ces "
            "chiffres. Il est crucial d’agir afin d’augmenter le nombre de signalements de la "
            "part des personnels soignants."
        ),
        "objective": (
            "Sensibiliser 200 000 professionnels de santé au repérage et au signalement des "
            "cas de maltraitances subies par leurs patients"
        ),
        "carriers": ["Porteur : Ma Formation Médicale"],
        "proposal_ids": [],
        "quotes": [
            "« Il faut former les professionnels de santé à repérer les troubles "
            "comportementaux, conséquences d’abus chez enfants et adultes » — Jeanne",
        ],
    },
    {
        "axis": "Détection, signalement",
        "name": "Bouton \"A l'aide\"",
        "description": (
            "Développer une fonctionnalité simple, un bouton \"A l'aide\", sur tous les "
            "espaces numériques de travail au sein des écoles, pour permettre aux élèves de "
            "signaler des faits de violences (abus sexuels, harcèlement…) et solliciter "
            "l'aide d'un adulte."
        ),
        "problem": (
            "Le rôle de l’école est clé pour détecter les violences que subissent les "
            "enfants, à l’école ou ailleurs. L’éducation nationale est le plus important "
            "pourvoyeur d’informations préoccupantes aux départements. Les espaces numériques "
            "de travail (ENT) peuvent proposer un espace sécurisé pour permettre aux enfants "
            "de parler et de signaler toutes formes de violences."
        ),
        "objective": "Déployer le bouton dans 100 collèges et lycées.",
        "carriers": [
            "Porteur : Open Digital Education",
            "Contributeur à confirmer : Académie de Versailles",
        ],
        "proposal_ids": [],
        "quotes": [
            "« Il faut un système décentralisé des signalements judiciaires et administratifs "
            "pour les enfants en danger, pour renforcer le suivi des mineurs » — L'Enfant Bleu",
            "« Il faut la mise en place d'une procédure d'urgence si un acteur (école, "
            "assistante sociale, médecin...) identifie un enfant maltraité » — Sandrine",
        ],
    },
    {
        "axis": "Procédures judiciaires & sanctions",
        "name": "Accompagner la parole",
        "description": (
            "Accompagner le déploiement d’espaces d’auditions pour les enfants victimes de "
            "violences, en particulier de violences sexuelles, afin de garantir que chaque "
            "enfant est reçu dans les bonnes conditions, par des professionnels formés et "
            "sans avoir besoin de se déplacer loin de son domicile."
        ),
        "problem": (
            "La parole d’enfants victimes souhaitant témoigner et porter plainte est souvent "
            "recueillie dans des conditions inadaptées. Des salles spécialisées ont été mises "
            "en place dans les gendarmerie ou les hôpitaux, mais leur nombre est insuffisant, "
            "et dans certains cas, les salles ont des équipements inadaptés et vieillissants."
        ),
        "objective": (
            "Augmenter significativement le nombre de salles d'audition en gendarmeries pour "
            "recueillir la parole des enfants victimes de violences"
        ),
        "carriers": ["Porteur : Gendarmerie Nationale", "Porteur : La voix de l'enfant"],
        "proposal_ids": [],
        "quotes": [
            "« Il faut former les personnels de la santé à reconnaître les troubles "
            "comportementaux, conséquences d'abus chez enfants et adultes » — Jeanne",
            "« Il faut former, sensibiliser, médecins, professeurs aux signes d'appel d'un "
            "enfant qui va mal, apprendre à dépister la maltraitance » — Anne",
        ],
    },
    {
        "axis": "Prise en charge",
        "name": "Se reconstruire ensemble",
        "description": (
            "Offrir une aide psychologique aux enfants victimes de harcèlement au travers de "
            "groupes de parole en ligne et proposer un soutien à leurs parents grâce à un "
            "accompagnement individualisé avec un psychologue spécialisé."
        ),
        "problem": (
            "On compte plus de 700 000 enfants victimes de harcèlement par an. Cette tendance "
            "s’accentue. Cela peut avoir des conséquences dramatiques pour les enfants "
            "(déscolarisation, dépression, suicide). Depuis quelques années, le gouvernement "
            "et les écoles ont lancé des dispositifs de prévention mais l’accompagnement "
            "psychologique des victimes est encore trop peu organisé. Cette prise en charge "
            "est pourtant déterminante pour la reconstruction des enfants."
        ),
        "objective": (
            "Créer des groupes de parole destinés aux enfants victimes de harcèlement. "
            "Proposer également un accompagnement aux parents pour les aider et impulser une "
            "dynamique sur les territoires pour pouvoir assurer le suivi de 1000 à 1200 "
            "enfants sur 16 territoires. Mettre en place un dispositif de psychologues dédiés "
            "à ces sujets permettant un accompagnement individuel et collectif à travers un "
            "groupe des victimes de harcèlement."
        ),
        "carriers": ["Porteur : Les Centres Relier"],
        "proposal_ids": [],
        "quotes": [
            "« Il faut proposer un travail thérapeutique aux enfants victimes pour qu’ils "
            "puissent se réparer et grandir sereinement » — Caroline",
        ],
    },
    {
        "axis": "Prise en charge",
        "name": "Mon Allié numérique",
        "description": (
            "Proposer un outil en ligne aux enfants victimes de cyberharcèlement, pour leur "
            "permettre d'être pris en charge et les aider à porter plainte. Mon Allié "
            "numérique permet de qualifier juridiquement les messages haineux reçus par "
            "l'enfant et de stocker ces messages dans un dossier numérique, afin de "
            "constituer des preuves du harcèlement dont l'enfant est victime."
        ),
        "problem": (
            "En 2017, sur 558 000 condamnations prononcées en France par la justice, huit "
            "seulement visaient des faits de cyberharcèlement. Ainsi, si le cyberharcèlement "
            "est considéré comme un délit, les dossiers de cyberharcèlement sont encore rares "
            "à atteindre les tribunaux. Dans ce cadre, l’accès à la preuve numérique devient "
            "centrale pour mieux accompagner l’enfant victime."
        ),
        "objective": (
            "Permettre à 10 000 enfants d'être pris en charge plus facilement par e-Enfance."
        ),
        "carriers": [
            "Porteur : Association e-Enfance / 3018",
            "Porteur technologique : Bodyguard",
        ],
        "proposal_ids": [],
        "quotes": [
            "« Il faut donner plus de moyens et organiser la lutte contre le "
            "cyberharcèlement » — Stéphanie",
            "« Il faut des moyens pour condamner rapidement les agressions en ligne, afin "
            "qu'elles ne soient plus impunies » — Pierre",
        ],
    },
]
