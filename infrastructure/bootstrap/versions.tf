terraform {
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # The bootstrap config creates the state bucket, so its own (small) state stays local: run it once per account
  # from an admin workstation and keep terraform.tfstate out of git (see docs/infrastructure.md).
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = "crm"
      ManagedBy = "terraform"
      Stack     = "bootstrap"
    }
  }
}
