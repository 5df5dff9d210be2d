# State in the bucket made by ../../bootstrap. The bucket name is account specific, so it is passed at init time:
#   terraform init -backend-config="bucket=<state_bucket output of bootstrap>"   (the Makefile does this)
# use_lockfile: S3-native locking (a .tflock object next to the state), no DynamoDB table needed.
terraform {
  backend "s3" {
    key          = "crm/prod/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
