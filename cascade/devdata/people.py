"""Fictional names and places for the demo and the synthetic programme (none is a real person)."""

PLACE_NAMES = [
    "Camden", "Hackney", "Lambeth", "Southwark", "Newham", "Croydon", "Barnet", "Ealing", "Brent", "Haringey",
    "Bristol", "Leeds", "Sheffield", "Bradford", "Manchester", "Salford", "Liverpool", "Wirral", "Newcastle",
    "Sunderland", "Nottingham", "Derby", "Leicester", "Coventry", "Birmingham", "Wolverhampton", "Stoke",
    "Norwich", "Ipswich", "Cambridge", "Oxford", "Reading", "Swindon", "Bath", "Exeter", "Plymouth", "Truro",
    "Bournemouth", "Southampton", "Portsmouth", "Brighton", "Hastings", "Canterbury", "Maidstone", "Luton",
    "Bedford", "Milton Keynes", "Northampton", "Peterborough", "Lincoln", "Hull", "York", "Harrogate",
    "Scarborough", "Durham", "Carlisle", "Kendal", "Lancaster", "Preston", "Blackpool", "Bolton", "Wigan",
    "Stockport", "Chester", "Shrewsbury", "Hereford", "Worcester", "Gloucester", "Cheltenham", "Taunton",
    "Yeovil", "Salisbury", "Winchester", "Guildford", "Woking", "Crawley", "Chelmsford", "Colchester",
    "Southend", "Basildon", "Watford", "St Albans", "Stevenage", "Slough", "High Wycombe", "Aylesbury",
    "Kettering", "Grantham", "Boston", "Skegness", "Barrow", "Whitby", "Penrith", "Telford", "Dudley",
    "Walsall", "Solihull", "Rugby", "Nuneaton", "Barnstaple",
]
GIVEN = ["Alex", "Sam", "Jo", "Chris", "Pat", "Jamie", "Robin", "Morgan", "Ali", "Kim", "Lee", "Nia", "Ola",
         "Priya", "Tomasz", "Aisha", "Ewan", "Farah", "Grace", "Hana", "Ines", "Joel", "Kofi", "Lina", "Mina",
         "Nadia", "Omar", "Rosa", "Sian", "Tariq", "Uma", "Vik", "Wen", "Yusuf", "Zara", "Bea", "Dev", "Eli"]
FAMILY = ["Smith", "Jones", "Khan", "Patel", "Okafor", "Nowak", "Williams", "Brown", "Taylor", "Davies",
          "Evans", "Wilson", "Thomas", "Roberts", "Hughes", "Begum", "Ahmed", "Ali", "Chen", "Murphy", "Kelly",
          "Mensah", "Adeyemi", "Rossi", "Silva", "Kaur", "Singh", "Price", "Hall", "Wood", "Clarke", "Moyle"]
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # certificate codes: no 0/O, 1/I/L
